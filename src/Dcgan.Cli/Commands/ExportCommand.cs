// `dcgan export`: write a trained generator as an ONNX model that other runtimes load (docs/export.md).
namespace Dcgan.Cli.Commands;

using Dcgan.Export;
using Dcgan.Training;

/// <summary>Exports the generator of a run or a checkpoint.</summary>
public static class ExportCommand
{
    public static OptionSet Options() => new OptionSet("dcgan export --from RUN_DIR|CHECKPOINT --out FILE.onnx [options]",
        "Write the generator, in inference mode and with the weights samples are drawn from, as an ONNX model (opset 17):\n" +
        "inputs noise [N, noise_dim] (and label [N] for a conditional run), output images [N, H, W, C] in [-1, 1].")
        .Text("from", null, "Run folder (uses its latest checkpoint) or checkpoint file")
        .Text("out", "generator.onnx", "Output file (replaced atomically)")
        .Choice("format", "onnx", "Model format", "onnx");

    public static int Run(OptionSet o, TextWriter stdout)
    {
        string from = o.GetText("from") ?? throw new UserError("--from RUN_DIR|CHECKPOINT is required");
        string outPath = o.GetText("out")!;
        if (Directory.Exists(outPath))
        {
            throw new UserError($"--out {outPath} is a folder; give a file name such as {Path.Combine(outPath, "generator.onnx")}");
        }
        var sampler = GenerateCommand.OpenSampler(from);
        byte[] model = OnnxExport.FromSampler(sampler, Program.Version);
        OnnxExport.Write(model, outPath);
        var options = sampler.Generator.Options;
        stdout.WriteLine($"Wrote {outPath} ({model.Length:N0} bytes, ONNX opset {OnnxExport.Opset}): noise [N, {sampler.Config.NoiseDim}]" +
            (options.Conditional ? $" and label [N] (0..{options.Classes - 1})" : "") +
            $" -> images [N, {options.ImageSize}, {options.ImageSize}, {options.Channels}]" +
            (sampler.Generator.Options.AverageGenerator ? ", averaged weights" : "") + $" (from {sampler.CheckpointPath})");
        return 0;
    }
}
