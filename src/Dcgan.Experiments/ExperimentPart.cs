// One part of an experiment (e.g. the tutorial comparison's Part A, B, C): the question it answers and the run its variants are
// compared with.
namespace Dcgan.Experiments;

/// <summary>A group of variants answering one question.</summary>
public sealed record ExperimentPart
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Question { get; init; }

    /// <summary>"variant@epoch" (or "variant" for its last epoch) that this part's variants are compared with; null for none.</summary>
    public string? CompareWith { get; init; }
}
