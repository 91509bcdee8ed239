// The Play panel's pictures from a colour generator: RGB PNGs in the generator's true colours (the run's own grid
// scaling), with the grid and walk layouts of the gray ones.
namespace Dcgan.Dashboard.Tests;

using Dcgan.Imaging;
using Dcgan.Kernels;
using Dcgan.Models;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed class SampleRendererTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AColourGeneratorGivesRgbGridsAndWalksInTrueColours()
    {
        Sampler sampler = ColourSampler();
        Assert.Equal(3, sampler.Generator.Options.Channels);
        int side = sampler.ImageSize;
        const int Count = 4, Scale = 1, G = SampleRenderer.Gutter;

        byte[] png = SampleRenderer.Grid(sampler, Count, seed: 5, scale: Scale);
        Assert.True(ImageFiles.IsPng(png));
        Raster grid = ImageFiles.DecodeImage(png);
        Assert.Equal((2 * side + 3 * G, 2 * side + 3 * G, 3), (grid.Width, grid.Height, grid.Channels));
        // Tile 3 (bottom right) holds sample 3, each channel mapped from [-1, 1] without stretching.
        float[] images = sampler.Draw(Count, 5);
        int x0 = G + side + G, y0 = G + side + G;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(SampleGrid.FixedLevel(images[((3 * side + y) * side + x) * 3 + c]), grid[x0 + x, y0 + y, c]);
                }
            }
        }

        Raster walk = ImageFiles.DecodeImage(SampleRenderer.Walk(sampler, Count, seed: 5, from: 0, to: 3, steps: 5, scale: Scale));
        Assert.Equal((5 * side + 6 * G, side + 2 * G, 3), (walk.Width, walk.Height, walk.Channels));
        // The walk starts at sample 0 of the same grid.
        Assert.Equal(SampleGrid.FixedLevel(images[1]), walk[G, G, 1]);
    }

    // A freshly initialised 3-channel generator saved as a run's checkpoint: drawing costs and looks like a colour run's.
    private Sampler ColourSampler()
    {
        var config = new TrainConfig { Dataset = "synthetic", Channels = 3, Version = "test" };
        var gan = new GanPair(config.ModelOptions());
        gan.Initialize(Rng.Derive(1, "init"));
        var run = new RunFolder(_dir.Dir("colour"));
        Directory.CreateDirectory(run.CheckpointsDir);
        File.WriteAllText(run.ConfigPath, config.ToJson());
        Checkpoint.Save(run.CheckpointPath(1), config, TrainingState.Start(1), gan);
        return Sampler.Open(run.Root);
    }
}
