# PyTorch peer benchmark for `./dcgan bench`: the TensorFlow-tutorial DCGAN (same layers, same joint train
# step, Adam 1e-4) timed on random data on the CPU; reference: docs/keras-semantics.md.
#
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/pytorch/dcgan_bench.py \
#       --batch-size 256 --steps 10 --warmup 2 --threads 1
#
# Last output line: {"train_images_per_s": ..., "generate_images_per_s": ..., "batch_size": ..., "threads": ...}
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

    def forward(self, z):
        h = F.leaky_relu(self.bn0(self.dense(z)), LEAKY_SLOPE)
        # Keras reshapes to NHWC (7,7,256); the NCHW view here costs the same.
        h = h.view(-1, 256, 7, 7)
        h = F.leaky_relu(self.bn1(self.convt1(h)), LEAKY_SLOPE)
        h = F.leaky_relu(self.bn2(self.convt2(h)), LEAKY_SLOPE)
        return torch.tanh(self.convt3(h))


class Discriminator(nn.Module):
    def __init__(self, tf_same):
        super().__init__()
        self.conv0 = conv(1, 64, tf_same)
        self.conv1 = conv(64, 128, tf_same)
        self.dense = nn.Linear(7 * 7 * 128, 1)
        self.dropout = nn.Dropout(0.3)

    def forward(self, x):
        h = self.dropout(F.leaky_relu(self.conv0(x), LEAKY_SLOPE))
        h = self.dropout(F.leaky_relu(self.conv1(h), LEAKY_SLOPE))
        return self.dense(h.flatten(1))


def glorot_init(module):
    # Keras defaults: glorot_uniform kernels, zero biases (cost-neutral, but keeps values realistic).
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def main():
    parser = argparse.ArgumentParser(description="PyTorch DCGAN CPU benchmark (TF tutorial model)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=10, help="timed train steps (and generate calls)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps before timing")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--generate-batch", type=int, default=1024)
    parser.add_argument("--tf-same", action="store_true", help="exact TF 'same' padding emulation")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    gen, disc = Generator(args.tf_same), Discriminator(args.tf_same)
    glorot_init(gen)
    glorot_init(disc)
    # Keras Adam(1e-4): beta1 0.9, beta2 0.999, epsilon 1e-7.
    gen_opt = torch.optim.Adam(gen.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-7)
    disc_opt = torch.optim.Adam(disc.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-7)
    real = torch.rand(args.batch_size, 1, 28, 28) * 2 - 1          # random "images" in [-1, 1]
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
    print("torch %s, threads %d, batch %d, %s padding" %
          (torch.__version__, torch.get_num_threads(), args.batch_size, "TF-same" if args.tf_same else "symmetric"))
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
    print(json.dumps({"train_images_per_s": round(train_ips, 2), "generate_images_per_s": round(gen_ips, 2),
                      "batch_size": args.batch_size, "threads": args.threads}))


if __name__ == "__main__":
    main()
