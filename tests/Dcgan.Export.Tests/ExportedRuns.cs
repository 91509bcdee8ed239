// Tiny runs trained on the synthetic data set and exported once for the whole collection: the tutorial's models (a plain
// run, a conditional AC-GAN run and a class-conditional-BatchNorm run, both drawing from the averaged generator) and the
// DCGAN paper's (--arch dcgan, colour, on tinted strokes: a plain 16x16 run and a class-conditional-BatchNorm 32x32 run),
// and for each a copy of its checkpoint with every BatchNorm, class scale and shift value spread out (a few steps leave
// them near 1 and 0, where a wrong row, axis or statistic would hide under the tolerance).
namespace Dcgan.Export.Tests;

using Dcgan.Data;
using Dcgan.Kernels;
using Dcgan.TestSupport;
using Dcgan.Models;
using Dcgan.Training;

/// <summary>The exported runs, by name: plain, conditional, class-norm, and each with "-spread".</summary>
public sealed class ExportedRuns : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, ExportedRun> _runs = [];

    public ExportedRuns()
    {
        var small = new TrainConfig { Dataset = "synthetic", Epochs = 1, BatchSize = 8, Limit = 16, CheckpointEvery = 1, Seed = 5, Version = "test" };
        Add("plain", small);
        Add("conditional", small with { Conditional = true, CondScheme = "acgan", GeneratorEma = 0.99 });
        Add("class-norm", small with
        {
            Conditional = true, CondScheme = "projection-cbn", GeneratorEma = 0.99, GeneratorActivation = "relu", Noise = "uniform",
        });
        // 20 steps, so that PyTorch BatchNorm's moving statistics (momentum 0.1) leave their start.
        var dcgan = small with
        {
            Architecture = "dcgan", ImageSize = 16, Channels = 3, GeneratorWidth = 8, DiscriminatorWidth = 8, NoiseDim = 20, Limit = 160,
        };
        Add("dcgan", dcgan);
        Add("dcgan-class-norm", dcgan with { ImageSize = 32, Conditional = true, CondScheme = "projection-cbn", GeneratorEma = 0.99 });
    }

    /// <summary>Every case's name, for theories.</summary>
    public static readonly string[] Names =
    [
        "plain", "plain-spread", "conditional", "conditional-spread", "class-norm", "class-norm-spread",
        "dcgan", "dcgan-spread", "dcgan-class-norm", "dcgan-class-norm-spread",
    ];

    public ExportedRun this[string name] => _runs[name];

    public IEnumerable<ExportedRun> All => _runs.Values;

    public string Folder => _dir.Root;

    private void Add(string name, TrainConfig config)
    {
        string runDir = _dir.Dir(name);
        var data = Strokes(config);
        new Trainer(config, data, new RunFolder(runDir), new QuietObserver()).Run(CancellationToken.None);
        _runs[name] = Export(name, runDir, runDir);
        string spread = Path.Combine(_dir.Root, name + "-spread.dcgan");
        Spread(new RunFolder(runDir).Checkpoints()[^1].Path, spread, seed: (ulong)name.Length);
        _runs[name + "-spread"] = Export(name + "-spread", spread, runDir);
    }

    /// <summary>The synthetic strokes at the run's size; for colour runs each class gets its own tint.</summary>
    private static ImageDataset Strokes(TrainConfig config)
    {
        var gray = SyntheticDataset.Create(config.Limit, (ulong)config.Seed, config.ImageSize);
        if (config.Channels == 1)
        {
            return gray;
        }
        var rgb = new byte[gray.Pixels.Length * 3];
        for (int i = 0; i < gray.Count; i++)
        {
            int label = gray.Labels[i];
            float[] tint = [1f - label / 20f, 0.5f + label / 20f, label % 2 == 0 ? 1f : 0.3f];
            var image = gray.Image(i);
            for (int p = 0; p < image.Length; p++)
            {
                for (int c = 0; c < 3; c++)
                {
                    rgb[(i * image.Length + p) * 3 + c] = (byte)MathF.Round(image[p] * tint[c]);
                }
            }
        }
        return new ImageDataset("synthetic", gray.Source, gray.Split, gray.Height, gray.Width, rgb, gray.Labels, channels: 3);
    }

    private ExportedRun Export(string name, string from, string runDir)
    {
        var sampler = Sampler.Open(from);
        string onnx = Path.Combine(_dir.Root, name + ".onnx");
        OnnxExport.Write(OnnxExport.FromSampler(sampler, "test"), onnx);
        return new ExportedRun(name, from, runDir, onnx, sampler);
    }

    /// <summary>
    /// Writes a copy of a checkpoint whose generator (and its average, independently) has BatchNorm and class-affine scales
    /// in [0.5, 1.5), shifts in [-0.5, 0.5), moving means in [-0.2, 0.2) and moving variances in [0.5, 2).
    /// </summary>
    public static void Spread(string checkpoint, string copy, ulong seed)
    {
        var (gan, config, state) = Checkpoints.Open(checkpoint);
        var rng = new Rng(seed);
        foreach (float[] values in gan.GeneratorAverage is { } average ? [gan.Generator.Values, average] : new[] { gan.Generator.Values })
        {
            foreach (var (_, p) in gan.Generator.NamedParameters())
            {
                var v = values.AsSpan(p.Offset, p.Length);
                switch (p.Name)
                {
                    case "gamma": rng.FillUniform(v, 0.5f, 1.5f); break;
                    case "beta": rng.FillUniform(v, -0.5f, 0.5f); break;
                    case "moving_mean": rng.FillUniform(v, -0.2f, 0.2f); break;
                    case "moving_variance": rng.FillUniform(v, 0.5f, 2f); break;
                }
            }
        }
        Checkpoint.Save(copy, config, state, gan);
    }

    public void Dispose() => _dir.Dispose();
}
