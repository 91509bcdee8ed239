// Training produced NaN or infinite losses or weights: the run stops and keeps its last good checkpoint.
namespace Dcgan.Training;

/// <summary>Raised when a step's loss or a weight is not finite.</summary>
public sealed class TrainingDivergedException(int epoch, int step, string what)
    : Exception($"training diverged at epoch {epoch}, step {step} ({what}); the last good checkpoint is kept; " +
        "try lower learning rates (--lr-g, --lr-d)");
