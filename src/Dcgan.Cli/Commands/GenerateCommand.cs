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
        if (parent is not null && OutputFolder.Problem(parent) is { } unwritable)
        {
            throw new UserError($"cannot write {outPath}: {unwritable}");
        }
        int count = o.GetInt("count");
        if (ext == ".png" && count > MaxGridImages)
        {
            throw new UserError($"--count {count} is too many for one PNG grid (at most {MaxGridImages}; use .npy, .npz or .idx for more)");
        }
        var sampler = OpenSampler(from);
        if (ext == ".png" && (long)count * sampler.ImageSize * sampler.ImageSize > MaxGridPixels)
        {
            int most = (int)(MaxGridPixels / ((long)sampler.ImageSize * sampler.ImageSize));
            throw new UserError($"--count {count} is too many for one PNG grid of {sampler.ImageSize}x{sampler.ImageSize} images (at most {most}; use .npy, .npz or .idx for more)");
        }
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
            Write(() => SampleFiles.WritePng(outPath, images, count, side, side, channels, scaling));
        }
        else
        {
            // A batch of images at a time straight into the file: any --count fits in memory.
            Write(() => SampleFiles.WriteArray(outPath, sampler, count, seed, label));
        }
        stdout.WriteLine($"Wrote {count} images to {outPath} (from {sampler.CheckpointPath})");
        return 0;
    }

    /// <summary>Images in one PNG grid at most: a grid is drawn whole in memory, unlike the array formats.</summary>
    private const int MaxGridImages = 4096;

    /// <summary>Pixels in one PNG grid at most (4,096 images of 64 x 64, a 4096 x 4096 grid), whatever the image size.</summary>
    private const long MaxGridPixels = 4096L * 64 * 64;

    /// <summary>A run folder or checkpoint to draw from; a path that is neither is bad input (exit 2).</summary>
    public static Sampler OpenSampler(string from)
    {
        try
        {
            return Sampler.Open(from);
        }
        catch (FileNotFoundException e)
        {
            throw new UserError(e.Message);
        }
    }

    /// <summary>
    /// Writes the output file; a file system that refuses it (read-only, full, permissions) is one line naming the
    /// user's path (AtomicFile's message; never the temporary file), exit 2 as for every output the user chose.
    /// </summary>
    private static void Write(Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError(e.Message.ReplaceLineEndings(" "));
        }
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
