// One exported run of the shared collection: where it came from, its ONNX file, and the sampler that is its reference.
namespace Dcgan.Export.Tests;

using Dcgan.Training;

/// <param name="From">The run folder or checkpoint the export read.</param>
/// <param name="RunFolder">The run's folder (its config.json).</param>
public sealed record ExportedRun(string Name, string From, string RunFolder, string Onnx, Sampler Sampler);
