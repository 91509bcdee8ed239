// TorchSharp peer of `./dcgan bench` and bench/pytorch/dcgan_bench.py: the TensorFlow-tutorial DCGAN (docs/keras-semantics.md)
// in TorchSharp 0.107 (LibTorch 2.10, CPU), the library a C# user would reach for. It times the same joint train step
// (G forward, D on the real and the fake batch, both gradients from that one pass, then both Adam(1e-4) updates) on
// random data, then generator inference in eval mode, and prints the same last-line JSON as the other two programs.
//
//   bench/peers/modern-peer.sh torchsharp --batch-size 256 --steps 6 --warmup 2 --threads 1
using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

int batch = 256, steps = 10, warmup = 2, threads = 1, genBatch = 1024;
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
        default:
            Console.Error.WriteLine($"torchsharp_peer: unknown argument {args[i]} (--batch-size, --steps, --warmup, --threads, --generate-batch)");
            return 2;
    }
}

torch.set_num_threads(threads);
torch.set_num_interop_threads(1);
torch.manual_seed(0);
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
long Count(Module m) => m.parameters().Sum(p => p.numel());
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
var genOpt = optim.Adam(gen.parameters(), 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-7);
var discOpt = optim.Adam(disc.parameters(), 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-7);
var bce = BCEWithLogitsLoss();
var real = torch.rand(batch, 1, 28, 28) * 2 - 1;
var ones = torch.ones(batch, 1);
var zeros = torch.zeros(batch, 1);
var genParams = gen.parameters().ToArray();
var discParams = disc.parameters().ToArray();

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
Console.WriteLine($"TorchSharp 0.107 (LibTorch {torch.__version__}), threads {torch.get_num_threads()}, batch {batch}");
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
