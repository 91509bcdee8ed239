// The run's pictures for gray and colour generators: epoch grids keep the generator's channels (gray stretched per
// tile as in the tutorial, colour in true colours), and progress.gif reads them back with their channels.
using Dcgan.Imaging;
using Dcgan.TestSupport;

namespace Dcgan.Training.Tests;

public sealed class RunArtifactsImageTests : IDisposable
{
    private const int Side = 6, Gutter = SampleGrid.DefaultGutter, Tile = Side * SampleGrid.DefaultUpscale;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [SkippableFact]
    public void ColourEpochGridsShowTrueColoursAndTheGifKeepsThem()
    {
        Pil.SkipIfMissing();
        var run = new RunFolder(_dir.Dir("colour"));
        var artifacts = new RunArtifacts(run, new TrainConfig { Version = "test" });
        // Four flat tiles per epoch: red, green, blue and the tanh midpoint; epoch 2 swaps red and blue.
        float[][] colours = [[1, -1, -1], [-1, 1, -1], [-1, -1, 1], [0, 0, 0]];
        artifacts.WriteEpochGrid(1, Flat(colours), 4, 2, 2, Side, Side, 3);
        artifacts.WriteEpochGrid(2, Flat([colours[2], colours[1], colours[0], colours[3]]), 4, 2, 2, Side, Side, 3);

        Raster grid = ImageFiles.ReadImage(run.SamplePath(1));
        Assert.Equal((2 * Tile + 3 * Gutter, 3), (grid.Width, grid.Channels));
        // Fixed [-1, 1] scaling: pure primaries, and 0 is mid-gray 128 rather than a stretched black tile.
        Assert.Equal([255, 0, 0], Pixel(grid, 0));
        Assert.Equal([0, 255, 0], Pixel(grid, 1));
        Assert.Equal([0, 0, 255], Pixel(grid, 2));
        Assert.Equal([128, 128, 128], Pixel(grid, 3));

        artifacts.WriteGif(2);
        GifInfo gif = Pil.DecodeGif(run.GifPath, "RGB");
        Assert.Equal(3, gif.Frames.Length); // both epochs, the last shown once more
        Assert.Equal(0, gif.Loop);
        Assert.Equal(grid.Pixels, gif.Frames[0]);
        Assert.Equal(ImageFiles.ReadImage(run.SamplePath(2)).Pixels, gif.Frames[1]);
        Assert.Equal(gif.Frames[1], gif.Frames[2]);
    }

    [SkippableFact]
    public void GrayEpochGridsStretchEachTileAndTheGifKeepsEveryLevel()
    {
        Pil.SkipIfMissing();
        var run = new RunFolder(_dir.Dir("gray"));
        var artifacts = new RunArtifacts(run, new TrainConfig { Version = "test" });
        // One faint ramp in -0.1..0.1: per-tile scaling stretches it to black..white.
        float[] ramp = Enumerable.Range(0, Side * Side).Select(p => -0.1f + 0.2f * p / (Side * Side - 1)).ToArray();
        artifacts.WriteEpochGrid(1, ramp, 1, 1, 1, Side, Side, 1);

        Raster grid = ImageFiles.ReadImage(run.SamplePath(1));
        Assert.Equal((Tile + 2 * Gutter, 1), (grid.Width, grid.Channels));
        Assert.Equal(0, grid[Gutter, Gutter]);
        Assert.Equal(255, grid[Gutter + Tile - 1, Gutter + Tile - 1]);

        artifacts.WriteGif(1);
        GifInfo gif = Pil.DecodeGif(run.GifPath, "L");
        Assert.Equal(2, gif.Frames.Length);
        Assert.Equal(grid.Pixels, gif.Frames[0]);
        Assert.Equal([300, 300], gif.Durations);
    }

    // Each of the images is one flat colour (NHWC).
    private static float[] Flat(float[][] colours)
    {
        var images = new float[colours.Length * Side * Side * 3];
        for (int i = 0; i < colours.Length; i++)
        {
            for (int p = 0; p < Side * Side; p++)
            {
                colours[i].CopyTo(images, (i * Side * Side + p) * 3);
            }
        }
        return images;
    }

    // The centre pixel of tile i in a 2 x 2 grid.
    private static byte[] Pixel(Raster grid, int i)
    {
        int x = Gutter + (i % 2) * (Tile + Gutter) + Tile / 2, y = Gutter + (i / 2) * (Tile + Gutter) + Tile / 2;
        return [grid[x, y, 0], grid[x, y, 1], grid[x, y, 2]];
    }
}
