// Training produced NaN or infinite losses: the run stops and keeps its last good checkpoint.
namespace Dcgan.Gan.Training;

/// <summary>Raised when a step's loss is not finite.</summary>
public sealed class TrainingDivergedException(int epoch, int step, float generatorLoss, float discriminatorLoss)
    : Exception($"training diverged at epoch {epoch}, step {step} (g_loss {generatorLoss}, d_loss {discriminatorLoss}); " +
        "the last good checkpoint is kept; try a lower learning rate");
