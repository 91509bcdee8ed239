# PyTorch peer benchmark for `./dcgan bench`: the TensorFlow-tutorial DCGAN (same layers, same joint train
# step, Adam 1e-4) timed on random data on the CPU; reference: docs/keras-semantics.md. `--arch dcgan` times the
# DCGAN paper's models instead, as pytorch/examples' dcgan builds them (64x64x3: G 3,576,704 and D 2,765,568
# parameters; weights N(0, 0.02); Adam 2e-4, betas (0.5, 0.999)), with the same joint train step.
#
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/pytorch/dcgan_bench.py \
#       --batch-size 256 --steps 10 --warmup 5 --threads 1
#   ... bench/pytorch/dcgan_bench.py --arch dcgan --image-size 64 --channels 3 --batch-size 128 --generate-batch 256
#
# Last output line: {"train_images_per_s": ..., "generate_images_per_s": ..., "batch_size": ..., "threads": ...}
# --profile adds a per-layer table (torch.profiler; the layers carry the Keras names `./dcgan bench --profile` prints)
# and a "profile" key to that line: {"step_ms", "rest_ms", "layers": [[model, layer, forward ms, backward ms], ...]}.
#
# Padding: by default the layers use PyTorch's symmetric padding with the same output sizes as Keras
# 'same' (Conv2D k5 s2 padding=2; ConvTranspose2d k5 s1 padding=2; k5 s2 padding=2, output_padding=1).
# That is the same multiply-add count as the Keras model (only which border pixels are zero differs).
# --tf-same switches to an exact emulation of TF 'same' (explicit asymmetric F.pad before the convs,
# full transposed convs cropped afterwards), which adds copies and computes the cropped border.

import argparse
import json
import os
import resource
import sys
import time


def threads_from_argv():
    for i, arg in enumerate(sys.argv):
        if arg == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return "1"


# torch sets its OpenMP/oneDNN threads itself, but a system OpenBLAS behind torch's generic BLAS reads
# its own thread count at load time: pin it to --threads before torch is imported. And torch's OpenMP
# workers spin after each parallel region by default, fighting OpenBLAS's own threads for the cores:
# with 2 threads that made train steps 5-10x slower here, so they sleep instead (override by setting
# either variable yourself).
os.environ.setdefault("OPENBLAS_NUM_THREADS", threads_from_argv())
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

NOISE_DIM = 100
LEAKY_SLOPE = 0.3
BN_MOMENTUM = 0.01      # torch momentum = 1 - Keras momentum (0.99)
BN_EPS = 1e-3


def leaky(h):
    return F.leaky_relu(h, LEAKY_SLOPE)


# --profile names every layer call with a profiler range ("layer:<model>/<name>"); otherwise the ranges cost nothing.
LAYER_SCOPE = None


def run_layers(model, layers, h):
    if LAYER_SCOPE is None:
        for _, f in layers:
            h = f(h)
        return h
    for name, f in layers:
        with LAYER_SCOPE("layer:%s/%s" % (model, name)):
            h = f(h)
    return h


class TfSameConv2d(nn.Conv2d):
    """Conv2D with TF 'same' padding: the odd padding pixel goes bottom/right."""

    def forward(self, x):
        k, s = self.kernel_size[0], self.stride[0]
        size = x.shape[-1]
        out = -(-size // s)
        total = max(0, (out - 1) * s + k - size)
        x = F.pad(x, (total // 2, total - total // 2, total // 2, total - total // 2))
        return F.conv2d(x, self.weight, self.bias, self.stride)


class TfSameConvTranspose2d(nn.ConvTranspose2d):
    """Conv2DTranspose with TF 'same': full transposed conv, then crop out = in*s starting at P."""

    def forward(self, x):
        k, s = self.kernel_size[0], self.stride[0]
        size = x.shape[-1]
        full = F.conv_transpose2d(x, self.weight, self.bias, self.stride)
        out = size * s
        p = max(0, (size - 1) * s + k - out) // 2
        return full[:, :, p:p + out, p:p + out]


def conv(cin, cout, tf_same):
    if tf_same:
        return TfSameConv2d(cin, cout, 5, stride=2)
    return nn.Conv2d(cin, cout, 5, stride=2, padding=2)


def conv_t(cin, cout, stride, tf_same):
    if tf_same:
        return TfSameConvTranspose2d(cin, cout, 5, stride=stride, bias=False)
    return nn.ConvTranspose2d(cin, cout, 5, stride=stride, padding=2, output_padding=stride - 1, bias=False)


class Generator(nn.Module):
    def __init__(self, tf_same):
        super().__init__()
        self.dense = nn.Linear(NOISE_DIM, 7 * 7 * 256, bias=False)
        self.bn0 = nn.BatchNorm1d(7 * 7 * 256, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.convt1 = conv_t(256, 128, 1, tf_same)
        self.bn1 = nn.BatchNorm2d(128, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.convt2 = conv_t(128, 64, 2, tf_same)
        self.bn2 = nn.BatchNorm2d(64, eps=BN_EPS, momentum=BN_MOMENTUM)
        self.convt3 = conv_t(64, 1, 2, tf_same)
        # The Keras layer names, as `./dcgan bench --profile` prints them, so per-layer tables line up.
        self.layers = [
            ("dense", self.dense), ("batch_normalization", self.bn0), ("leaky_re_lu", leaky),
            # Keras reshapes to NHWC (7,7,256); the NCHW view here costs the same.
            ("reshape", lambda h: h.view(-1, 256, 7, 7)),
            ("conv2d_transpose", self.convt1), ("batch_normalization_1", self.bn1), ("leaky_re_lu_1", leaky),
            ("conv2d_transpose_1", self.convt2), ("batch_normalization_2", self.bn2), ("leaky_re_lu_2", leaky),
            ("conv2d_transpose_2", self.convt3), ("activation", torch.tanh)]

    def forward(self, z):
        return run_layers("generator", self.layers, z)


class Discriminator(nn.Module):
    def __init__(self, tf_same):
        super().__init__()
        self.conv0 = conv(1, 64, tf_same)
        self.conv1 = conv(64, 128, tf_same)
        self.dense = nn.Linear(7 * 7 * 128, 1)
        self.dropout = nn.Dropout(0.3)
        self.layers = [
            ("conv2d", self.conv0), ("leaky_re_lu_3", leaky), ("dropout", self.dropout),
            ("conv2d_1", self.conv1), ("leaky_re_lu_4", leaky), ("dropout_1", self.dropout),
            ("flatten", lambda h: h.flatten(1)), ("dense_1", self.dense)]

    def forward(self, x):
        return run_layers("discriminator", self.layers, x)


class KerasNames:
    """Names layers as Keras (and `./dcgan bench --profile`) does: the first of a kind plain, then _1, _2, ... across both models."""

    def __init__(self):
        self.seen = {}

    def __call__(self, base):
        n = self.seen.get(base, 0)
        self.seen[base] = n + 1
        return base if n == 0 else "%s_%d" % (base, n)


PAPER_SIZES = (16, 32, 64, 128, 256)   # 4 * 2^L for L = 2..6 up-sampling layers, as ours takes
PAPER_WIDTH = 64                       # ngf and ndf
PAPER_SLOPE = 0.2


def paper_depth(image_size):
    return image_size.bit_length() - 3


class PaperGenerator(nn.Module):
    """The DCGAN paper's G as pytorch/examples' dcgan builds it: ConvTranspose2d(nz, ngf*2^(L-1), 4, 1, 0) + BN + ReLU,
    then L - 1 times [ConvTranspose2d(halving, 4, 2, 1) + BN + ReLU], then ConvTranspose2d(channels, 4, 2, 1) + tanh;
    no biases; PyTorch's BatchNorm2d defaults (momentum 0.1, eps 1e-5); in-place ReLU, as pytorch/examples."""

    def __init__(self, image_size, channels, names):
        super().__init__()
        depth = paper_depth(image_size)
        width = PAPER_WIDTH << (depth - 1)
        self.convs, self.norms, relu = nn.ModuleList(), nn.ModuleList(), nn.ReLU(inplace=True)
        self.convs.append(nn.ConvTranspose2d(NOISE_DIM, width, 4, 1, 0, bias=False))
        self.norms.append(nn.BatchNorm2d(width))
        for _ in range(1, depth):
            self.convs.append(nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False))
            width //= 2
            self.norms.append(nn.BatchNorm2d(width))
        self.convs.append(nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False))
        # Ours builds the first layer as Dense(4*4*width) + Reshape(4, 4, width), PyTorch's ConvTranspose2d on a 1x1
        # input: that layer is "dense" here, and "reshape" the (free) view of the noise as 1x1 images before it.
        self.layers = [(names("reshape"), lambda z: z.view(-1, NOISE_DIM, 1, 1)), (names("dense"), self.convs[0]),
                       (names("batch_normalization"), self.norms[0]), (names("re_lu"), relu)]
        for conv, norm in zip(self.convs[1:], self.norms[1:]):
            self.layers += [(names("conv2d_transpose"), conv), (names("batch_normalization"), norm), (names("re_lu"), relu)]
        self.layers += [(names("conv2d_transpose"), self.convs[-1]), (names("activation"), torch.tanh)]

    def forward(self, z):
        return run_layers("generator", self.layers, z)


class PaperDiscriminator(nn.Module):
    """The DCGAN paper's D as pytorch/examples' dcgan builds it: Conv2d(channels, ndf, 4, 2, 1) + LeakyReLU(0.2), then
    L - 1 times [Conv2d(doubling, 4, 2, 1) + BN + LeakyReLU(0.2)] down to 4x4, then Conv2d(ndf*2^(L-1), 1, 4, 1, 0):
    logits (no sigmoid: BCE with logits); no biases."""

    def __init__(self, image_size, channels, names):
        super().__init__()
        depth = paper_depth(image_size)
        width = PAPER_WIDTH
        self.convs, self.norms = nn.ModuleList([nn.Conv2d(channels, width, 4, 2, 1, bias=False)]), nn.ModuleList()
        lrelu = nn.LeakyReLU(PAPER_SLOPE, inplace=True)
        self.layers = [(names("conv2d"), self.convs[0]), (names("leaky_re_lu"), lrelu)]
        for _ in range(1, depth):
            self.convs.append(nn.Conv2d(width, width * 2, 4, 2, 1, bias=False))
            width *= 2
            self.norms.append(nn.BatchNorm2d(width))
            self.layers += [(names("conv2d"), self.convs[-1]), (names("batch_normalization"), self.norms[-1]),
                            (names("leaky_re_lu"), lrelu)]
        self.convs.append(nn.Conv2d(width, 1, 4, 1, 0, bias=False))
        # Ours ends in Flatten + Dense(1), PyTorch's 4x4 valid Conv2d: that conv is "dense_1", the view to (N, 1) "flatten".
        flatten, dense = names("flatten"), names("dense")
        self.layers += [(dense, self.convs[-1]), (flatten, lambda h: h.flatten(1))]

    def forward(self, x):
        return run_layers("discriminator", self.layers, x)


def paper_parameters(image_size, channels):
    """G's and D's parameter counts at ngf = ndf = 64: kernels, and BatchNorm's gamma and beta."""
    depth = paper_depth(image_size)
    widths = [PAPER_WIDTH << i for i in range(depth)]          # 64, 128, ... (D's order; G's reversed)
    g = NOISE_DIM * widths[-1] * 16 + 2 * widths[-1]
    g += sum(widths[i] * widths[i - 1] * 16 + 2 * widths[i - 1] for i in range(1, depth))
    g += widths[0] * channels * 16
    d = channels * widths[0] * 16
    d += sum(widths[i - 1] * widths[i] * 16 + 2 * widths[i] for i in range(1, depth))
    d += widths[-1] * 16
    return g, d


def normal_init(module):
    # pytorch/examples' weights_init: conv kernels N(0, 0.02), BatchNorm gamma N(1, 0.02), beta 0.
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def glorot_init(module):
    # Keras defaults: glorot_uniform kernels, zero biases (cost-neutral, but keeps values realistic).
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def profile_layers(train_step, steps):
    """Runs `steps` more train steps under torch.profiler and returns per-layer forward and backward milliseconds per step.

    Forward: the self CPU time of every op inside a layer's range ("layer:<model>/<name>"), D's two calls added.
    Backward: every autograd node's evaluation ("autograd::engine::evaluate_function: ...", its ops included) goes to
    the layer whose forward op created the node, matched by the autograd sequence number; the node an op creates
    carries the number that op was recorded with, and the last op recorded with a number is the one that created
    it (ops that create no node only peek at the next number). Everything else (losses, Adam, the noise) is the
    rest of the step. Times are the profiler's: wall time on the thread that ran the op.
    """
    global LAYER_SCOPE
    from torch.profiler import ProfilerActivity, profile, record_function
    LAYER_SCOPE = record_function
    train_step()   # one untimed step with the ranges in place
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            with record_function("dcgan:step"):
                train_step()
    LAYER_SCOPE = None
    events = sorted(prof.events(), key=lambda e: e.time_range.start)

    def layer_of(event):
        """The layer whose range holds the event; "backward" inside an autograd node's evaluation."""
        while event is not None:
            if event.name.startswith("layer:"):
                return event.name[len("layer:"):]
            if event.name.startswith("autograd::engine::evaluate_function:"):
                return "backward"
            event = event.cpu_parent
        return None

    order, forward, backward, node_layer = [], {}, {}, {}
    step_us = 0.0
    for e in events:
        if e.name == "dcgan:step":
            step_us += e.cpu_time_total
        elif e.name.startswith("layer:"):
            key = e.name[len("layer:"):]
            if key not in forward:
                order.append(key)
                forward[key], backward[key] = 0.0, 0.0
            if layer_of(e.cpu_parent) is None:      # not nested in another layer's range nor in a backward node
                forward[key] += e.cpu_time_total
        elif e.sequence_nr >= 0 and not e.name.startswith("autograd::"):
            key = layer_of(e)
            if key != "backward":    # the ops a node runs carry its number too
                node_layer[(e.thread, e.sequence_nr)] = key
    for e in events:
        if e.name.startswith("autograd::engine::evaluate_function:"):
            key = node_layer.get((getattr(e, "fwd_thread", e.thread), e.sequence_nr))
            if key is None:
                key = node_layer.get((e.thread, e.sequence_nr))
            if key is not None:
                backward[key] += e.cpu_time_total
    per_step = 1.0 / steps / 1000.0    # microseconds in all steps -> milliseconds per step
    rows = [key.split("/", 1) + [round(forward[key] * per_step, 3), round(backward[key] * per_step, 3)] for key in order]
    step_ms = step_us * per_step
    rest_ms = step_ms - sum(r[2] + r[3] for r in rows)
    return {"clock": "wall time (torch.profiler)", "steps": steps, "step_ms": round(step_ms, 3),
            "rest_ms": round(rest_ms, 3), "layers": rows}


def main():
    parser = argparse.ArgumentParser(description="PyTorch DCGAN CPU benchmark (the TF tutorial's model, or the DCGAN paper's)")
    parser.add_argument("--arch", choices=("tutorial", "dcgan"), default="tutorial",
                        help="tutorial: the TensorFlow tutorial's models (28x28x1); dcgan: the DCGAN paper's, as pytorch/examples builds them")
    parser.add_argument("--image-size", type=int, help="image side: 28 for tutorial; 16, 32, 64, 128 or 256 for dcgan [default: 28, or 64 with dcgan]")
    parser.add_argument("--channels", type=int, choices=(1, 3), default=1, help="image channels (dcgan; the tutorial's are 1)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10, help="timed train steps (and generate calls)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed steps before timing")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--generate-batch", type=int, default=1024)
    parser.add_argument("--tf-same", action="store_true", help="exact TF 'same' padding emulation")
    parser.add_argument("--profile", action="store_true",
                        help="also time every layer's forward and backward with torch.profiler (a separate run of the same steps)")
    args = parser.parse_args()
    paper = args.arch == "dcgan"
    if args.image_size is None:
        args.image_size = 64 if paper else 28
    if paper:
        if args.image_size not in PAPER_SIZES:
            parser.error("--arch dcgan takes --image-size %s" % ", ".join(map(str, PAPER_SIZES)))
        if args.tf_same:
            parser.error("--tf-same applies to --arch tutorial only (dcgan's 4x4 stride-2 padding-1 layers already pad as TF 'same')")
    elif args.image_size != 28 or args.channels != 1:
        parser.error("--arch tutorial takes 28x28x1 images (--image-size 28 --channels 1)")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if paper:
        names = KerasNames()
        gen, disc = PaperGenerator(args.image_size, args.channels, names), PaperDiscriminator(args.image_size, args.channels, names)
        normal_init(gen)
        normal_init(disc)
        expected = paper_parameters(args.image_size, args.channels)
        if (args.image_size, args.channels) == (64, 3):
            assert expected == (3576704, 2765568), expected    # pytorch/examples' dcgan at 64x64x3
        # pytorch/examples' dcgan: Adam(2e-4, betas (0.5, 0.999)), PyTorch's eps 1e-8.
        lr, betas, eps = 2e-4, (0.5, 0.999), 1e-8
    else:
        gen, disc = Generator(args.tf_same), Discriminator(args.tf_same)
        glorot_init(gen)
        glorot_init(disc)
        expected = (2305472, 212865)
        # Keras Adam(1e-4): beta1 0.9, beta2 0.999, epsilon 1e-7.
        lr, betas, eps = 1e-4, (0.9, 0.999), 1e-7
    counts = (sum(p.numel() for p in gen.parameters()), sum(p.numel() for p in disc.parameters()))
    assert counts == expected, "parameter counts G %d, D %d; the %s models have G %d, D %d" % (counts + (args.arch,) + expected)
    gen_opt = torch.optim.Adam(gen.parameters(), lr=lr, betas=betas, eps=eps)
    disc_opt = torch.optim.Adam(disc.parameters(), lr=lr, betas=betas, eps=eps)
    # random "images" in [-1, 1]
    real = torch.rand(args.batch_size, args.channels, args.image_size, args.image_size) * 2 - 1
    gen_params, disc_params = list(gen.parameters()), list(disc.parameters())

    def train_step():
        # One forward pass, as the tutorial's GradientTape pair: G, D(real), D(fake).
        noise = torch.randn(args.batch_size, NOISE_DIM)
        fake = gen(noise)
        real_out, fake_out = disc(real), disc(fake)
        ones, zeros = torch.ones_like(real_out), torch.zeros_like(fake_out)
        gen_loss = F.binary_cross_entropy_with_logits(fake_out, ones)
        disc_loss = (F.binary_cross_entropy_with_logits(real_out, ones)
                     + F.binary_cross_entropy_with_logits(fake_out, zeros))
        # Both gradients from that pass, before either update (G's through D's current weights).
        gen_grads = torch.autograd.grad(gen_loss, gen_params, retain_graph=True)
        disc_grads = torch.autograd.grad(disc_loss, disc_params)
        for p, g in zip(gen_params, gen_grads):
            p.grad = g
        for p, g in zip(disc_params, disc_grads):
            p.grad = g
        gen_opt.step()
        disc_opt.step()
        return gen_loss.item(), disc_loss.item()

    gen.train()
    disc.train()
    capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", lambda: "unknown")()
    print("torch %s, threads %d, batch %d, %s models at %dx%dx%d, %s padding, CPU capability %s" %
          (torch.__version__, torch.get_num_threads(), args.batch_size, args.arch, args.image_size, args.image_size,
           args.channels, "TF-same" if args.tf_same else "symmetric", capability))
    for _ in range(args.warmup):
        train_step()
    step_seconds = []
    start = time.perf_counter()
    for step in range(args.steps):
        t0 = time.perf_counter()
        gl, dl = train_step()
        step_seconds.append(time.perf_counter() - t0)
        print("train step %d: %.3f s (gen_loss %.4f, disc_loss %.4f)" % (step + 1, step_seconds[-1], gl, dl))
    train_seconds = time.perf_counter() - start
    train_ips = args.steps * args.batch_size / train_seconds
    median = sorted(step_seconds)[len(step_seconds) // 2]
    print("train: %.1f images/s (%.3f s/step; median step %.3f s = %.1f images/s)" %
          (train_ips, train_seconds / args.steps, median, args.batch_size / median))

    # Generator inference: moving statistics (eval mode), no autograd.
    gen.eval()
    with torch.no_grad():
        noise = torch.randn(args.generate_batch, NOISE_DIM)
        for _ in range(args.warmup):
            gen(noise)
        call_seconds = []
        start = time.perf_counter()
        for _ in range(args.steps):
            t0 = time.perf_counter()
            gen(noise)
            call_seconds.append(time.perf_counter() - t0)
        gen_seconds = time.perf_counter() - start
    gen_ips = args.steps * args.generate_batch / gen_seconds
    median = sorted(call_seconds)[len(call_seconds) // 2]
    print("generate: %.1f images/s (batch %d, %.3f s/call; median call %.3f s = %.1f images/s)" %
          (gen_ips, args.generate_batch, gen_seconds / args.steps, median, args.generate_batch / median))
    print("peak RSS: %.0f MB" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    summary = {"train_images_per_s": round(train_ips, 2), "generate_images_per_s": round(gen_ips, 2),
               "batch_size": args.batch_size, "threads": args.threads}
    if args.profile:
        gen.train()
        profile = profile_layers(train_step, args.steps)
        print("profile: %d steps, %.1f ms per step (%s)" % (args.steps, profile["step_ms"], profile["clock"]))
        print("| model | layer | forward ms | backward ms | share of step |")
        print("| --- | --- | ---: | ---: | ---: |")
        for model, layer, fw, bw in profile["layers"]:
            print("| %s | %s | %.2f | %.2f | %.1f %% |" % (model, layer, fw, bw, (fw + bw) / profile["step_ms"] * 100))
        print("| both | rest of the step | %.2f | | %.1f %% |" % (profile["rest_ms"], profile["rest_ms"] / profile["step_ms"] * 100))
        summary["profile"] = profile
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
