// Runs an exported model in ONNX Runtime (the CPU package), the way an application outside this program would.
namespace Dcgan.Export.Tests;

using Microsoft.ML.OnnxRuntime;

/// <summary>One ONNX Runtime session over an exported file.</summary>
public sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxRunner(string path) => _session = new InferenceSession(path);

    public IReadOnlyDictionary<string, string> Metadata => _session.ModelMetadata.CustomMetadataMap;

    public IReadOnlyDictionary<string, NodeMetadata> Inputs => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> Outputs => _session.OutputMetadata;

    /// <summary>The images for [N, Z] noise and, for a conditional model, N labels; with the output's shape.</summary>
    public (float[] Images, long[] Shape) Run(float[] noise, int noiseDim, long[]? labels = null)
    {
        long n = noise.Length / noiseDim;
        var names = new List<string> { "noise" };
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(noise, [n, noiseDim]) };
        if (labels is not null)
        {
            names.Add("label");
            values.Add(OrtValue.CreateTensorValueFromMemory(labels, [labels.Length]));
        }
        try
        {
            using var options = new RunOptions();
            using var outputs = _session.Run(options, names, values, ["images"]);
            var images = outputs[0];
            return (images.GetTensorDataAsSpan<float>().ToArray(), images.GetTensorTypeAndShape().Shape);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
