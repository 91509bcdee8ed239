// `dcgan generate`: draw N images from a run or a checkpoint into a PNG grid or an IDX file.
namespace Dcgan.Cli.Commands;

using Dcgan.Imaging;
using Dcgan.Training;

/// <summary>Draws images from a trained generator.</summary>
public static class GenerateCommand
{
    public static OptionSet Options() => new OptionSet("dcgan generate --from RUN_DIR|CHECKPOINT [options]",
        "Draw images from a trained generator (inference mode: BatchNorm moving statistics).\n" +
        "--out FILE.png writes a grid; --out FILE.idx writes unsigned-byte IDX3 (N x 28 x 28), the MNIST format.")
        .Text("from", null, "Run folder (uses its latest checkpoint) or checkpoint file")
        .Int("count", 16, "Images to draw", 1, 1_000_000)
        .Int("seed", 0, "Noise seed", 0, int.MaxValue)
        .Int("label", null, "Class to draw, for a run trained with --conditional (default: an even mix)", 0, 9)
        .Text("out", "generated.png", "Output file (.png or .idx)")
        .Choice("scaling", "tile", "PNG grid scaling: each tile to its own min/max (as the tutorial shows) or fixed [-1,1]", "tile", "fixed")
        .Threads();

    public static int Run(OptionSet o, TextWriter stdout)
    {
        string from = o.GetText("from") ?? throw new UserError("--from RUN_DIR|CHECKPOINT is required");
        string outPath = o.GetText("out")!;
        string ext = Path.GetExtension(outPath).ToLowerInvariant();
        if (ext is not (".png" or ".idx"))
        {
            throw new UserError($"--out must end in .png or .idx, got '{outPath}'");
        }
        if (Directory.Exists(outPath))
        {
            throw new UserError($"--out {outPath} is a folder");
        }
        string? parent = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new UserError($"--out folder {parent} does not exist");
        }
        int count = o.GetInt("count");
        if (ext == ".png" && count > 4096)
        {
            throw new UserError($"--count {count} is too many for one PNG grid (at most 4096; use .idx for more)");
        }
        var sampler = Sampler.Open(from);
        int? label = o.GetIntOrNull("label");
        if (label is not null && sampler.Classes == 0)
        {
            throw new UserError($"--label needs a run trained with --conditional; {from} is not conditional");
        }
        var images = sampler.Draw(count, (ulong)o.GetInt("seed"), label);
        int side = sampler.ImageSize;
        if (ext == ".idx")
        {
            SampleFiles.WriteIdx(outPath, images, count, side, side);
        }
        else
        {
            SampleFiles.WritePng(outPath, images, count, side, side, o.GetText("scaling") == "fixed" ? GridScaling.FixedMinusOneToOne : GridScaling.PerTileMinMax);
        }
        stdout.WriteLine($"Wrote {count} images to {outPath} (from {sampler.CheckpointPath})");
        return 0;
    }
}
