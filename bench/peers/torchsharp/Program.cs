// TorchSharp peer of `./dcgan bench` and bench/pytorch/dcgan_bench.py: the TensorFlow-tutorial DCGAN (docs/keras-semantics.md)
// in TorchSharp 0.107 (LibTorch 2.10, CPU), the library a C# user would reach for. It times the same joint train step
// (G forward, D on the real and the fake batch, both gradients from that one pass, then both Adam(1e-4) updates) on
// random data, then generator inference in eval mode, and prints the same last-line JSON as the other two programs.
// `--arch dcgan` times the DCGAN paper's models instead, as pytorch/examples' dcgan builds them (64x64x3: G 3,576,704
// and D 2,765,568 parameters; weights N(0, 0.02); Adam 2e-4, betas (0.5, 0.999)), with the same joint train step.
//
//   bench/peers/modern-peer.sh torchsharp --batch-size 256 --steps 6 --warmup 5 --threads 1
//   bench/peers/modern-peer.sh torchsharp --arch dcgan --image-size 64 --channels 3 --batch-size 128 --generate-batch 256
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

int batch = 256, steps = 10, warmup = 5, threads = 1, genBatch = 1024, channels = 1;
int? imageSize = null;
string arch = "tutorial";
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--batch-size": batch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--steps": steps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--generate-batch": genBatch = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--arch": arch = Next(); break;
        case "--image-size": imageSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--channels": channels = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"torchsharp_peer: unknown argument {args[i]} (--batch-size, --steps, --warmup, --threads, --generate-batch, --arch, --image-size, --channels)");
            return 2;
    }
}
bool paper = arch == "dcgan";
int size = imageSize ?? (paper ? 64 : 28);
int[] paperSizes = [16, 32, 64, 128, 256];   // 4 * 2^L for L = 2..6 up-sampling layers, as ours takes
string problem = arch != "tutorial" && !paper ? $"--arch {arch} is not tutorial or dcgan"
    : channels != 1 && channels != 3 ? "--channels takes 1 or 3"
    : paper && !paperSizes.Contains(size) ? $"--arch dcgan takes --image-size {string.Join(", ", paperSizes)}"
    : !paper && (size != 28 || channels != 1) ? "--arch tutorial takes 28x28x1 images (--image-size 28 --channels 1)"
    : null;
if (problem != null)
{
    Console.Error.WriteLine($"torchsharp_peer: {problem}");
    return 2;
}

torch.set_num_threads(threads);
torch.set_num_interop_threads(1);
torch.manual_seed(0);
var (gen, disc, genOpt, discOpt) = paper ? PaperModels(size, channels) : TutorialModels();
var bce = BCEWithLogitsLoss();
var real = torch.rand(batch, channels, size, size) * 2 - 1;
var ones = torch.ones(batch, 1);
var zeros = torch.zeros(batch, 1);
var genParams = gen.parameters().ToArray();
var discParams = disc.parameters().ToArray();

static long Count(Module m) => m.parameters().Sum(p => p.numel());

static (TorchSharp.Modules.Sequential, TorchSharp.Modules.Sequential, optim.Optimizer, optim.Optimizer) TutorialModels()
{
    const double Slope = 0.3, Eps = 1e-3, Momentum = 0.01;   // Keras BN momentum 0.99 is torch's 0.01
    var gen = Sequential(
        ("dense", Linear(100, 7 * 7 * 256, hasBias: false)), ("bn0", BatchNorm1d(7 * 7 * 256, eps: Eps, momentum: Momentum)), ("lrelu0", LeakyReLU(Slope)),
        ("reshape", Unflatten(1, new long[] { 256, 7, 7 })),
        ("convt1", ConvTranspose2d(256, 128, 5, stride: 1, padding: 2, bias: false)), ("bn1", BatchNorm2d(128, eps: Eps, momentum: Momentum)), ("lrelu1", LeakyReLU(Slope)),
        ("convt2", ConvTranspose2d(128, 64, 5, stride: 2, padding: 2, output_padding: 1, bias: false)), ("bn2", BatchNorm2d(64, eps: Eps, momentum: Momentum)), ("lrelu2", LeakyReLU(Slope)),
        ("convt3", ConvTranspose2d(64, 1, 5, stride: 2, padding: 2, output_padding: 1, bias: false)), ("tanh", Tanh()));
    var disc = Sequential(
        ("conv0", Conv2d(1, 64, 5, stride: 2, padding: 2)), ("lrelu0", LeakyReLU(Slope)), ("dropout0", Dropout(0.3)),
        ("conv1", Conv2d(64, 128, 5, stride: 2, padding: 2)), ("lrelu1", LeakyReLU(Slope)), ("dropout1", Dropout(0.3)),
        ("flatten", Flatten()), ("dense", Linear(7 * 7 * 128, 1)));
    if (Count(gen) != 2305472 || Count(disc) != 212865)
    {
        throw new InvalidOperationException($"parameter counts {Count(gen)} / {Count(disc)} are not the tutorial's");
    }
    foreach (var p in gen.parameters().Concat(disc.parameters()).Where(p => p.dim() > 1))
    {
        init.xavier_uniform_(p);   // Keras glorot_uniform kernels; biases start at zero below
    }
    foreach (var (name, p) in disc.named_parameters().Where(n => n.name.EndsWith("bias")))
    {
        init.zeros_(p);
    }
    // Keras Adam(1e-4): beta1 0.9, beta2 0.999, epsilon 1e-7.
    return (gen, disc, optim.Adam(gen.parameters(), 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-7),
            optim.Adam(disc.parameters(), 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-7));
}

// The DCGAN paper's models as pytorch/examples' dcgan builds them, with L = log2(size) - 2 and ngf = ndf = 64.
// G: ConvTranspose2d(100, ngf*2^(L-1), 4, 1, 0) + BN + ReLU, then L - 1 times [ConvTranspose2d(halving, 4, 2, 1) + BN +
// ReLU], then ConvTranspose2d(channels, 4, 2, 1) + tanh. D: Conv2d(channels, ndf, 4, 2, 1) + LeakyReLU(0.2), then L - 1
// times [Conv2d(doubling, 4, 2, 1) + BN + LeakyReLU(0.2)], then Conv2d(ndf*2^(L-1), 1, 4, 1, 0): logits. No biases;
// BatchNorm2d's defaults (momentum 0.1, eps 1e-5); in-place activations as pytorch/examples.
static (TorchSharp.Modules.Sequential, TorchSharp.Modules.Sequential, optim.Optimizer, optim.Optimizer) PaperModels(int size, int channels)
{
    const int Width = 64;
    int depth = System.Numerics.BitOperations.Log2((uint)size) - 2;
    int width = Width << (depth - 1);
    var g = new List<(string, Module<Tensor, Tensor>)>
    {
        ("noise", Unflatten(1, new long[] { 100, 1, 1 })),
        ("convt0", ConvTranspose2d(100, width, 4, stride: 1, padding: 0, bias: false)), ("bn0", BatchNorm2d(width)), ("relu0", ReLU(inplace: true)),
    };
    for (int i = 1; i < depth; i++, width /= 2)
    {
        g.Add(($"convt{i}", ConvTranspose2d(width, width / 2, 4, stride: 2, padding: 1, bias: false)));
        g.Add(($"bn{i}", BatchNorm2d(width / 2)));
        g.Add(($"relu{i}", ReLU(inplace: true)));
    }
    g.Add(($"convt{depth}", ConvTranspose2d(width, channels, 4, stride: 2, padding: 1, bias: false)));
    g.Add(("tanh", Tanh()));
    width = Width;
    var d = new List<(string, Module<Tensor, Tensor>)>
    {
        ("conv0", Conv2d(channels, width, 4, stride: 2, padding: 1, bias: false)), ("lrelu0", LeakyReLU(0.2, inplace: true)),
    };
    for (int i = 1; i < depth; i++, width *= 2)
    {
        d.Add(($"conv{i}", Conv2d(width, width * 2, 4, stride: 2, padding: 1, bias: false)));
        d.Add(($"bn{i}", BatchNorm2d(width * 2)));
        d.Add(($"lrelu{i}", LeakyReLU(0.2, inplace: true)));
    }
    d.Add(($"conv{depth}", Conv2d(width, 1, 4, stride: 1, bias: false)));   // padding 0 (0 would also convert to Padding)
    d.Add(("flatten", Flatten()));
    var gen = Sequential(g);
    var disc = Sequential(d);
    // Kernels, and BatchNorm's gamma and beta (ngf = ndf = 64).
    long wide = Width << (depth - 1), expectG = 100 * wide * 16 + 2 * wide + Width * channels * 16, expectD = channels * Width * 16 + wide * 16;
    for (long w = Width; w < wide; w *= 2)
    {
        expectG += 2 * w * w * 16 + 2 * w;
        expectD += 2 * w * w * 16 + 4 * w;
    }
    if (Count(gen) != expectG || Count(disc) != expectD || (size == 64 && channels == 3 && (expectG != 3576704 || expectD != 2765568)))
    {
        throw new InvalidOperationException($"parameter counts {Count(gen)} / {Count(disc)} are not the DCGAN paper's ({expectG} / {expectD})");
    }
    // pytorch/examples' weights_init: kernels N(0, 0.02), BatchNorm gamma N(1, 0.02), beta 0 (the only 1-d parameters here).
    foreach (var (name, p) in gen.named_parameters().Concat(disc.named_parameters()))
    {
        if (p.dim() > 1) init.normal_(p, 0, 0.02);
        else if (name.EndsWith("weight")) init.normal_(p, 1, 0.02);
        else init.zeros_(p);
    }
    return (gen, disc, optim.Adam(gen.parameters(), 2e-4, beta1: 0.5, beta2: 0.999),
            optim.Adam(disc.parameters(), 2e-4, beta1: 0.5, beta2: 0.999));
}

(double, double) Step()
{
    using var scope = torch.NewDisposeScope();
    var fake = gen.call(torch.randn(batch, 100));
    var realOut = disc.call(real);
    var fakeOut = disc.call(fake);
    var genLoss = bce.call(fakeOut, ones);
    var discLoss = bce.call(realOut, ones) + bce.call(fakeOut, zeros);
    var genGrads = torch.autograd.grad(new[] { genLoss }, genParams, retain_graph: true);
    var discGrads = torch.autograd.grad(new[] { discLoss }, discParams);
    for (int i = 0; i < genParams.Length; i++) genParams[i].grad = genGrads[i];
    for (int i = 0; i < discParams.Length; i++) discParams[i].grad = discGrads[i];
    genOpt.step();
    discOpt.step();
    return (genLoss.item<float>(), discLoss.item<float>());
}

string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
Console.WriteLine($"TorchSharp 0.107 (LibTorch {torch.__version__}), threads {torch.get_num_threads()}, batch {batch}, {arch} models at {size}x{size}x{channels}");
gen.train();
disc.train();
for (int i = 0; i < warmup; i++) Step();
var total = Stopwatch.StartNew();
for (int i = 0; i < steps; i++)
{
    var sw = Stopwatch.StartNew();
    var (gl, dl) = Step();
    Console.WriteLine(F($"train step {i + 1}: {sw.Elapsed.TotalSeconds:F3} s (gen_loss {gl:F4}, disc_loss {dl:F4})"));
}
double trainRate = steps * batch / total.Elapsed.TotalSeconds;
Console.WriteLine(F($"train: {trainRate:F1} images/s ({total.Elapsed.TotalSeconds / steps:F3} s/step)"));

gen.eval();
double genRate;
using (torch.no_grad())
{
    var noise = torch.randn(genBatch, 100);
    for (int i = 0; i < warmup; i++)
    {
        using var scope = torch.NewDisposeScope();
        gen.call(noise);
    }
    total.Restart();
    for (int i = 0; i < steps; i++)
    {
        using var scope = torch.NewDisposeScope();
        gen.call(noise);
    }
    genRate = steps * genBatch / total.Elapsed.TotalSeconds;
}
Console.WriteLine(F($"generate: {genRate:F1} images/s (batch {genBatch})"));
Console.WriteLine(F($"{{\"train_images_per_s\": {trainRate:F2}, \"generate_images_per_s\": {genRate:F2}, \"batch_size\": {batch}, \"threads\": {threads}}}"));
return 0;
