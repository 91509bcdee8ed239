// `dcgan generate`: draw N images from a run or a checkpoint into a PNG grid, an IDX file (gray runs) or NumPy arrays.
namespace Dcgan.Cli.Commands;

using Dcgan.Imaging;
using Dcgan.Training;

/// <summary>Draws images from a trained generator.</summary>
public static class GenerateCommand
{
    public static OptionSet Options() => new OptionSet("dcgan generate --from RUN_DIR|CHECKPOINT [options]",
        "Draw images from a trained generator (inference mode: BatchNorm moving statistics).\n" +
        "--out FILE.png writes a grid (RGB for colour runs); FILE.npy or FILE.npz writes uint8 N x H x W x C arrays that\n" +
        "numpy.load reads (.npz: images, and labels for a conditional run); FILE.idx writes unsigned-byte IDX3\n" +
        "(N x H x W, the MNIST format) for gray runs.")
        .Text("from", null, "Run folder (uses its latest checkpoint) or checkpoint file")
        .Int("count", 16, "Images to draw", 1, 1_000_000)
        .Int("seed", 0, "Noise seed", 0, int.MaxValue)
        .Text("label", null, "Class to draw, by number or name, for a run trained with --conditional (default: an even mix)")
        .Text("out", "generated.png", "Output file (.png, .npy, .npz or .idx)")
        .Choice("scaling", "auto", "PNG grid scaling: tile (each tile to its own min/max, as the tutorial shows), fixed ([-1,1] to [0,255]), or auto (tile for gray runs, fixed for colour)", "auto", "tile", "fixed")
        .Threads();

    public static int Run(OptionSet o, TextWriter stdout)
    {
        string from = o.GetText("from") ?? throw new UserError("--from RUN_DIR|CHECKPOINT is required");
        string outPath = o.GetText("out")!;
        string ext = Path.GetExtension(outPath).ToLowerInvariant();
        if (ext != ".png" && !SampleFiles.ArrayExtensions.Contains(ext))
        {
            throw new UserError($"--out must end in .png, .npy, .npz or .idx, got '{outPath}'");
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
            throw new UserError($"--count {count} is too many for one PNG grid (at most 4096; use .npy, .npz or .idx for more)");
        }
        var sampler = Sampler.Open(from);
        int? label = o.GetText("label") is { } given ? Label(given, sampler, from) : null;
        if (ext == ".idx" && sampler.Generator.Options.Channels != 1)
        {
            throw new UserError($"--out .idx holds gray images and {from} draws colour ones; write .npy or .npz");
        }
        ulong seed = (ulong)o.GetInt("seed");
        int side = sampler.ImageSize;
        if (ext == ".png")
        {
            var images = sampler.Draw(count, seed, label);
            int channels = sampler.Generator.Options.Channels;
            var scaling = o.GetText("scaling") switch
            {
                "fixed" => GridScaling.FixedMinusOneToOne,
                "tile" => GridScaling.PerTileMinMax,
                _ => SampleGrid.ScalingForChannels(channels),
            };
            SampleFiles.WritePng(outPath, images, count, side, side, channels, scaling);
        }
        else
        {
            SampleFiles.WriteArray(outPath, sampler, count, seed, label);
        }
        stdout.WriteLine($"Wrote {count} images to {outPath} (from {sampler.CheckpointPath})");
        return 0;
    }

    /// <summary>A --label value: a class number, or a class name of the run's data set.</summary>
    private static int Label(string given, Sampler sampler, string from)
    {
        if (sampler.Classes == 0)
        {
            throw new UserError($"--label needs a run trained with --conditional; {from} is not conditional");
        }
        if (int.TryParse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k))
        {
            if (k >= sampler.Classes)
            {
                throw new UserError($"--label {k} is out of range: {from} draws classes 0 to {sampler.Classes - 1}");
            }
            return k;
        }
        var names = sampler.Config.ClassNames ?? [];
        int index = names.ToList().IndexOf(given);
        if (index < 0)
        {
            throw new UserError(names.Count == 0
                ? $"--label must be a class number from 0 to {sampler.Classes - 1}, got '{given}'"
                : $"--label '{given}' is not a class of {from} (classes: {string.Join(", ", names)})");
        }
        return index;
    }
}
