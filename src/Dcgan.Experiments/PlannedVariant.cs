// A variant ready to run: its final training configuration and the epochs it is evaluated and reported at.
namespace Dcgan.Experiments;

using Dcgan.Training;

/// <summary>One variant after the base, its flags, --data-dir and --quick were applied.</summary>
public sealed record PlannedVariant
{
    public required ExperimentVariant Variant { get; init; }

    public required TrainConfig Config { get; init; }

    /// <summary>Epochs with a row in the report, ascending; the last is always the final epoch.</summary>
    public required IReadOnlyList<int> ReportEpochs { get; init; }

    /// <summary>Evaluate every N epochs (for the FID curve), besides the report epochs.</summary>
    public required int EvalEvery { get; init; }

    public string Name => Variant.Name;

    /// <summary>Whether the quality is measured after <paramref name="epoch"/>.</summary>
    public bool EvaluatesAt(int epoch) => epoch % EvalEvery == 0 || ReportEpochs.Contains(epoch) || epoch == Config.Epochs;
}
