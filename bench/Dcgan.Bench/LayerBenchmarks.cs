// BenchmarkDotNet suite for the seed model's layers at batch 256: each convolution's forward and backward with either
// arithmetic (im2col chunks + GEMM + col2im, or Winograd where the layer has it), BatchNorm training forward and
// backward, and Dropout, at one and two threads.
using BenchmarkDotNet.Attributes;
using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Dcgan.Kernels;

namespace Dcgan.Bench;

/// <summary>Times one layer's Forward and Backward (parameters and input) on random data of its seed-model shape.</summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private Sequential _model = null!;
    private Tensor _x = null!, _dy = null!;

    /// <summary>Layer names as `dcgan bench --profile` prints them (generator, then discriminator).</summary>
    [Params("G.ct1", "G.ct2", "G.ct3", "G.bn2", "D.conv1", "D.conv2", "D.dropout1")]
    public string Layer { get; set; } = "G.ct1";

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The convolutions' arithmetic (layers without a Winograd path run direct either way).</summary>
    [Params(ConvAlgorithm.Winograd, ConvAlgorithm.Direct)]
    public ConvAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Workers.Threads = Threads;
        (int[] Shape, Layer Layer) pick = Layer switch
        {
            "G.ct1" => ((int[])[7, 7, 256], (Layer)new Conv2DTranspose(128, 5, 1, "same", useBias: false, algorithm: Algorithm)),
            "G.ct2" => ([7, 7, 128], new Conv2DTranspose(64, 5, 2, "same", useBias: false, algorithm: Algorithm)),
            "G.ct3" => ([14, 14, 64], new Conv2DTranspose(1, 5, 2, "same", useBias: false)),
            "G.bn2" => ([14, 14, 64], new BatchNormalization()),
            "D.conv1" => ([28, 28, 1], new Conv2D(64, 5, 2, "same")),
            "D.conv2" => ([14, 14, 64], new Conv2D(128, 5, 2, "same", algorithm: Algorithm)),
            _ => ([7, 7, 128], (Layer)new Dropout(0.3f)),
        };
        var (shape, layer) = pick;
        _model = new Sequential("bench", shape, [layer]);
        var rng = new Rng(1);
        _model.Initialize(rng);
        _model.Random = new Rng(2);
        _x = Tensor.ForBatch(256, shape);
        rng.FillUniform(_x.Span, -1f, 1f);
        _dy = Tensor.ForBatch(256, _model.OutputShape);
        rng.FillUniform(_dy.Span, -1f, 1f);
        _model.Forward(_x, training: true);
    }

    [Benchmark]
    public Tensor Forward() => _model.Forward(_x, training: true);

    [Benchmark]
    public Tensor? Backward() => _model.Backward(_dy, GradientNeeds.All);
}
