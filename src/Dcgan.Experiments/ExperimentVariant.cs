// One named variant of an experiment: the train flags it changes over the shared base, in words and as values.
namespace Dcgan.Experiments;

using System.Text.Json.Nodes;

/// <summary>A variant as written in the file (before quick scaling).</summary>
public sealed record ExperimentVariant
{
    public required string Name { get; init; }

    /// <summary>The part of the experiment it belongs to (e.g. "B").</summary>
    public required string Part { get; init; }

    /// <summary>What it changes, in words, for the report's table.</summary>
    public required string Changes { get; init; }

    /// <summary>Train flags by name (without the dashes), JSON values.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Flags { get; init; }

    /// <summary>Epochs at which the report shows a row (the last epoch when empty).</summary>
    public IReadOnlyList<int> ReportEpochs { get; init; } = [];
}
