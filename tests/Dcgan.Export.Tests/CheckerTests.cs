// Debian's python3-onnx 1.12 accepts every exported file (onnx.checker.check_model with full_check) and reads in it the
// inputs, output, operator set and metadata the export promises; skipped where python3-onnx is not installed.
namespace Dcgan.Export.Tests;

using System.Text.Json;

[Collection(ExportedRunsCollection.Name)]
public sealed class CheckerTests(ExportedRuns runs)
{
    /// <summary>Standard operators only, and only these.</summary>
    private static readonly HashSet<string> Operators =
    [
        "Gemm", "MatMul", "ConvTranspose", "Conv", "BatchNormalization", "LeakyRelu", "Relu", "Tanh", "Sigmoid",
        "Reshape", "Transpose", "Concat", "Gather", "Mul", "Add",
    ];

    [SkippableFact]
    public void EveryExportedFilePassesTheOnnxChecker()
    {
        Skip.If(OnnxChecker.Missing is not null, OnnxChecker.Missing);
        string everyLayer = Path.Combine(runs.Folder, "every-layer.onnx");
        new EveryLayerModel().Export(everyLayer);
        var files = runs.All.Select(r => r.Onnx).Append(everyLayer).ToArray();
        var classes = runs.All.ToDictionary(r => r.Onnx, r => r.Sampler.Classes);
        classes[everyLayer] = EveryLayerModel.Classes;

        var reports = OnnxChecker.Check(files);

        Assert.Equal(files.Length, reports.Length);
        foreach (var report in reports)
        {
            string path = report.GetProperty("path").GetString()!;
            Assert.Equal(OnnxExport.IrVersion, report.GetProperty("ir_version").GetInt32());
            Assert.Equal(OnnxExport.Opset, report.GetProperty("opsets").GetProperty("").GetInt32());
            Assert.Single(report.GetProperty("opsets").EnumerateObject());
            var ops = report.GetProperty("ops").EnumerateArray().Select(o => o.GetString()!).ToArray();
            Assert.All(ops, op => Assert.Contains(op, Operators));
            Assert.Contains("BatchNormalization", ops); // not folded, as the doc string says
            Assert.Contains("a BatchNormalization node with its moving statistics (not folded", report.GetProperty("doc").GetString());

            var inputs = report.GetProperty("inputs");
            Assert.Equal(1, inputs.GetProperty("noise").GetProperty("type").GetInt32()); // FLOAT
            Assert.Equal("N", inputs.GetProperty("noise").GetProperty("dims")[0].GetString());
            var images = report.GetProperty("outputs").GetProperty("images");
            Assert.Equal(1, images.GetProperty("type").GetInt32());
            Assert.Equal("N", images.GetProperty("dims")[0].GetString());
            Assert.Equal(4, images.GetProperty("dims").GetArrayLength());
            bool conditional = classes[path] > 0;
            Assert.Equal(conditional ? 2 : 1, inputs.EnumerateObject().Count());
            if (conditional)
            {
                Assert.Equal(7, inputs.GetProperty("label").GetProperty("type").GetInt32()); // INT64
                Assert.Equal(["N"], inputs.GetProperty("label").GetProperty("dims").EnumerateArray().Select(d => d.GetString()));
            }
            if (path != everyLayer)
            {
                var metadata = report.GetProperty("metadata");
                foreach (string key in new[] { "noise_dim", "noise_distribution", "image_size", "channels", "dcgan_version", "config_sha256" })
                {
                    Assert.True(metadata.TryGetProperty(key, out _), $"{path} has no {key}");
                }
                Assert.Equal(JsonValueKind.String, metadata.GetProperty("config_sha256").ValueKind);
                Assert.Equal(64, metadata.GetProperty("config_sha256").GetString()!.Length);
            }
        }
    }
}
