# Writes the golden test data (tests/golden/<case>.bin) for the C# engine: layer, loss, optimizer,
# whole-model and whole-train-step results with exact tf.keras 2 semantics (see docs/keras-semantics.md), computed with PyTorch in float64,
# and the DCGAN paper's models (--arch dcgan) built from torch.nn modules as pytorch/examples' dcgan/main.py builds them.
#
# Run:  /usr/bin/python3 tests/golden/make_golden.py      (deterministic: same bytes every run)
#
# File format (little-endian): ASCII "DCG1", int32 tensor count, then per tensor: int32 name byte
# length, UTF-8 name, int32 rank, int32 dims[rank], float32 data (row-major / C order). Rank 0 = scalar.
#
# Layouts are Keras/TF: activations NHWC, Dense kernel (in, out), Conv2D kernel (kh, kw, in, out),
# Conv2DTranspose kernel (kh, kw, out, in), bias (out). They are converted to torch layouts here.
#
# Whole-model weights are NOT stored; they come from this formula (the C# side reproduces it):
#   for parameter tensor number t (0-based within its model, in model order: kernel then bias per
#   layer, gamma then beta per BatchNormalization) and flat index i (Keras layout, row-major):
#       s      = sin(0.7 + 0.37*i + 1.3*t)        (float64, evaluated as ((0.7 + 0.37*i) + 1.3*t))
#       kernel = limit_t * s   with limit_t = sqrt(6 / (fan_in + fan_out)) (Keras glorot fans)
#       bias   = 0.1 * s,   beta = 0.1 * s,   gamma = 1 + 0.1 * s
#   all computed in float64 and then rounded to float32. (math.sin = the C library's sin, as .NET's Math.Sin.)
# Gradient samples of whole models take the values at flat indices i_j = (j * len) // 64, j = 0..63.

import math
import os
import struct
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)          # fixed summation order -> identical bytes on every run
torch.set_default_dtype(torch.float64)

OUT_DIR = os.path.dirname(os.path.abspath(__file__))
BN_EPS = 1e-3
BN_MOMENTUM = 0.99
LEAKY_SLOPE = 0.3
SAMPLE_COUNT = 64


# ----------------------------------------------------------------------------------------------
# Writing files and drawing inputs

def write_case(name, tensors):
    """tensors: list of (name, array-like). Everything is stored as float32."""
    out = bytearray(b"DCG1")
    out += struct.pack("<i", len(tensors))
    seen = set()
    for tname, value in tensors:
        assert tname not in seen, tname
        seen.add(tname)
        if isinstance(value, torch.Tensor):
            value = value.detach().numpy()
        arr = np.asarray(value, dtype=np.float64).astype("<f4")   # keeps rank 0 for scalars
        encoded = tname.encode("utf-8")
        out += struct.pack("<i", len(encoded)) + encoded
        out += struct.pack("<i", arr.ndim)
        out += struct.pack("<%di" % arr.ndim, *arr.shape)
        out += arr.tobytes(order="C")
    path = os.path.join(OUT_DIR, name + ".bin")
    with open(path, "wb") as f:
        f.write(bytes(out))
    print("%-28s %3d tensors %7d bytes" % (name + ".bin", len(tensors), len(out)))


def rng_for(case):
    # One independent, fixed stream per case (independent of the order cases are written in).
    return np.random.default_rng(zlib.crc32(case.encode("utf-8")))


def f32(a):
    """Round to float32 and back: the exact values the C# side reads from the file."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


def draw(rng, shape, scale=1.0):
    return f32(rng.standard_normal(shape) * scale)


def t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


# ----------------------------------------------------------------------------------------------
# Keras semantics in torch (NHWC tensors and Keras kernel layouts at the boundaries)

def nhwc_to_nchw(x):
    return x.permute(0, 3, 1, 2)


def nchw_to_nhwc(x):
    return x.permute(0, 2, 3, 1)


def same_pads(size, k, s):
    """TF 'same' for Conv2D: out = ceil(in/s); the odd padding pixel goes after (bottom/right)."""
    out = -(-size // s)
    total = max(0, (out - 1) * s + k - size)
    return total // 2, total - total // 2


def conv2d(x, kernel, bias, stride, padding):
    """x NHWC, kernel (kh, kw, in, out) -> y NHWC. Cross-correlation like TF."""
    kh, kw = kernel.shape[0], kernel.shape[1]
    xc = nhwc_to_nchw(x)
    if padding == "same":
        top, bottom = same_pads(x.shape[1], kh, stride)
        left, right = same_pads(x.shape[2], kw, stride)
        xc = F.pad(xc, (left, right, top, bottom))      # F.pad order: last dim first
    y = F.conv2d(xc, kernel.permute(3, 2, 0, 1), None, stride=stride, padding=0)
    y = nchw_to_nhwc(y)
    return y + bias if bias is not None else y


def conv_transpose_out_len(size, k, s, padding):
    if padding == "same":
        return size * s
    return size * s + max(k - s, 0)                    # Keras deconv_output_length, 'valid'


def conv2d_transpose(x, kernel, bias, stride, padding):
    """x NHWC, kernel (kh, kw, out, in) -> y NHWC.
    Full transposed conv (size (in-1)*s + k), then a window of the output length starting at
    P = floor(max(0, full - out) / 2) -- the same place TF's conv2d_backprop_input puts it."""
    kh, kw = kernel.shape[0], kernel.shape[1]
    # torch conv_transpose2d weight is (in, out, kh, kw); no kernel flip on either side.
    full = F.conv_transpose2d(nhwc_to_nchw(x), kernel.permute(3, 2, 0, 1), None, stride=stride, padding=0)
    out_h = conv_transpose_out_len(x.shape[1], kh, stride, padding)
    out_w = conv_transpose_out_len(x.shape[2], kw, stride, padding)
    full_h, full_w = full.shape[2], full.shape[3]
    ph = max(0, full_h - out_h) // 2
    pw = max(0, full_w - out_w) // 2
    y = full[:, :, ph:ph + out_h, pw:pw + out_w]
    # When k < s the full result is shorter than the output: zeros fill the rest (not used by the cases).
    if y.shape[2] < out_h or y.shape[3] < out_w:
        y = F.pad(y, (0, out_w - y.shape[3], 0, out_h - y.shape[2]))
    y = nchw_to_nhwc(y)
    return y + bias if bias is not None else y


def batch_norm_train(x, gamma, beta, eps=BN_EPS):
    """Training mode: batch mean and BIASED batch variance over all axes but the last."""
    axes = tuple(range(x.dim() - 1))
    mean = x.mean(dim=axes)
    var = ((x - mean) ** 2).mean(dim=axes)
    y = (x - mean) / torch.sqrt(var + eps) * gamma + beta
    return y, mean, var


def moving_update(moving_mean, moving_var, batch_mean, batch_var_biased, n, rank, keras3=False):
    """Keras 2: 4-D inputs (fused kernel) feed the UNBIASED variance (x n/(n-1)) into the moving
    variance, 2-D inputs the biased one. Keras 3 uses the biased one everywhere."""
    v = batch_var_biased
    if rank == 4 and not keras3:
        v = v * n / (n - 1)
    new_mean = moving_mean * BN_MOMENTUM + batch_mean * (1 - BN_MOMENTUM)
    new_var = moving_var * BN_MOMENTUM + v * (1 - BN_MOMENTUM)
    return new_mean, new_var


def leaky_relu(x):
    # TF: y = max(x, a*x); gradient x > 0 ? 1 : a (so a at exactly 0). torch uses the same rule.
    return torch.where(x > 0, x, LEAKY_SLOPE * x)


def relu(x):
    # TF: gradient x > 0 ? 1 : 0 (so 0 at exactly 0).
    return torch.where(x > 0, x, torch.zeros_like(x))


def sigmoid_bce_with_logits(x, z):
    """tf.nn.sigmoid_cross_entropy_with_logits, written as TF writes it so the autograd gradient is
    sigmoid(x) - z everywhere, x = 0 included: max(x,0) - x*z + log1p(exp(-|x|))."""
    cond = x >= 0
    relu_logits = torch.where(cond, x, torch.zeros_like(x))
    neg_abs = torch.where(cond, -x, x)
    return relu_logits - x * z + torch.log1p(torch.exp(neg_abs))


# Keras 2 backend.epsilon() is the python float 1e-7; the clip bounds are float32 tensors, so the
# upper bound is float32(1) - float32(1e-7) = 0.99999988079071044921875 (rounded in float32).
EPS32 = float(np.float32(1e-7))
CLIP_HI32 = float(np.float32(1.0) - np.float32(1e-7))


def bce_probs(p, z):
    """Keras 2 from_logits=False on raw probabilities: clip to [1e-7, 1-1e-7] (gradient 0 outside),
    then -(z*log(p + 1e-7) + (1-z)*log(1 - p + 1e-7))."""
    pc = torch.clamp(p, EPS32, CLIP_HI32)
    return -(z * torch.log(pc + EPS32) + (1 - z) * torch.log(1 - pc + EPS32))


# ----------------------------------------------------------------------------------------------
# Independent numpy loop references, used only as self-checks of the torch formulation above

def naive_conv2d(x, k, stride, pads_hw, out_hw):
    n, h, w, ci = x.shape
    kh, kw, _, co = k.shape
    (pt, _), (pl, _) = pads_hw
    y = np.zeros((n, out_hw[0], out_hw[1], co))
    for oy in range(out_hw[0]):
        for ox in range(out_hw[1]):
            for a in range(kh):
                for b in range(kw):
                    iy, ix = oy * stride + a - pt, ox * stride + b - pl
                    if 0 <= iy < h and 0 <= ix < w:
                        y[:, oy, ox, :] += x[:, iy, ix, :] @ k[a, b]
    return y


def naive_conv2d_transpose(x, k, stride, out_hw):
    """The scatter form of docs/keras-semantics.md: y[i*s+a-P, j*s+b-P, oc] += x[i,j,ic] * W[a,b,oc,ic]."""
    n, h, w, ci = x.shape
    kh, kw, co, _ = k.shape
    ph = max(0, (h - 1) * stride + kh - out_hw[0]) // 2
    pw = max(0, (w - 1) * stride + kw - out_hw[1]) // 2
    y = np.zeros((n, out_hw[0], out_hw[1], co))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    oy, ox = i * stride + a - ph, j * stride + b - pw
                    if 0 <= oy < out_hw[0] and 0 <= ox < out_hw[1]:
                        y[:, oy, ox, :] += x[:, i, j, :] @ k[a, b].T
    return y


def check_close(name, a, b, tol=1e-10):
    a = np.asarray(a.detach().numpy() if isinstance(a, torch.Tensor) else a)
    b = np.asarray(b.detach().numpy() if isinstance(b, torch.Tensor) else b)
    assert a.shape == b.shape, (name, a.shape, b.shape)
    err = np.max(np.abs(a - b)) if a.size else 0.0
    assert err <= tol * max(1.0, np.max(np.abs(b))), "self-check %s failed: %g" % (name, err)


# ----------------------------------------------------------------------------------------------
# Layer cases

def case_dense(name, use_bias):
    rng = rng_for(name)
    x, kernel = draw(rng, (4, 5)), draw(rng, (5, 3), 0.5)
    bias = draw(rng, (3,), 0.5) if use_bias else None
    dy = draw(rng, (4, 3))
    xt, kt = t(x, True), t(kernel, True)
    bt = t(bias, True) if use_bias else None
    y = xt @ kt + (bt if use_bias else 0)
    (y * t(dy)).sum().backward()
    tensors = [("x", x), ("kernel", kernel)] + ([("bias", bias)] if use_bias else [])
    tensors += [("y", y), ("dy", dy), ("dx", xt.grad), ("dkernel", kt.grad)]
    if use_bias:
        tensors.append(("dbias", bt.grad))
    write_case(name, tensors)


def case_conv(name, transpose, x_shape, k_shape, stride, padding):
    rng = rng_for(name)
    x = draw(rng, x_shape)
    kernel = draw(rng, k_shape, 0.3)
    out_ch = k_shape[2] if transpose else k_shape[3]
    bias = draw(rng, (out_ch,), 0.5)
    xt, kt, bt = t(x, True), t(kernel, True), t(bias, True)
    layer = conv2d_transpose if transpose else conv2d
    y = layer(xt, kt, bt, stride, padding)
    dy = draw(rng, tuple(y.shape))
    (y * t(dy)).sum().backward()

    # Self-check the forward against the plain-loop definitions.
    out_hw = (y.shape[1], y.shape[2])
    if transpose:
        ref = naive_conv2d_transpose(x, kernel, stride, out_hw)
    else:
        pads = (same_pads(x_shape[1], k_shape[0], stride), same_pads(x_shape[2], k_shape[1], stride)) \
            if padding == "same" else ((0, 0), (0, 0))
        ref = naive_conv2d(x, kernel, stride, pads, out_hw)
    check_close(name + ".y", y, ref + bias)

    write_case(name, [("x", x), ("kernel", kernel), ("bias", bias), ("y", y), ("dy", dy),
                      ("dx", xt.grad), ("dkernel", kt.grad), ("dbias", bt.grad)])


def bn_params(rng, c):
    gamma = f32(1.0 + 0.3 * rng.standard_normal(c))
    beta = draw(rng, (c,), 0.3)
    moving_mean = draw(rng, (c,), 0.5)
    moving_var = f32(rng.uniform(0.5, 2.0, c))
    return gamma, beta, moving_mean, moving_var


def case_bn_train(name, x_shape):
    rng = rng_for(name)
    c = x_shape[-1]
    x = f32(rng.standard_normal(x_shape) * 1.5 + 0.7)
    gamma, beta, moving_mean, moving_var = bn_params(rng, c)
    dy = draw(rng, x_shape)
    xt, gt, bt = t(x, True), t(gamma, True), t(beta, True)
    y, mean, var = batch_norm_train(xt, gt, bt)
    (y * t(dy)).sum().backward()

    # Self-check the backward against the closed form of docs/keras-semantics.md.
    n = int(np.prod(x_shape[:-1]))
    xhat = ((xt - mean) / torch.sqrt(var + BN_EPS)).detach()
    dyt = t(dy).reshape(n, c)
    xh = xhat.reshape(n, c)
    dx_ref = gt.detach() / torch.sqrt(var.detach() + BN_EPS) * (
        dyt - dyt.mean(0) - xh * (dyt * xh).mean(0))
    check_close(name + ".dx", xt.grad.reshape(n, c), dx_ref)

    mean, var = mean.detach(), var.detach()
    new_mean, new_var = moving_update(t(moving_mean), t(moving_var), mean, var, n, len(x_shape))
    _, new_var_k3 = moving_update(t(moving_mean), t(moving_var), mean, var, n, len(x_shape), keras3=True)
    write_case(name, [("x", x), ("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                      ("moving_variance", moving_var), ("y", y), ("dy", dy), ("dx", xt.grad),
                      ("dgamma", gt.grad), ("dbeta", bt.grad), ("batch_mean", mean),
                      ("batch_variance", var), ("new_moving_mean", new_mean),
                      ("new_moving_variance", new_var), ("new_moving_variance_k3", new_var_k3)])


def case_bn_infer(name, x_shape):
    rng = rng_for(name)
    c = x_shape[-1]
    x = f32(rng.standard_normal(x_shape) * 1.5 + 0.7)
    gamma, beta, moving_mean, moving_var = bn_params(rng, c)
    dy = draw(rng, x_shape)
    xt, gt, bt = t(x, True), t(gamma, True), t(beta, True)
    # Inference: the moving statistics are constants.
    y = (xt - t(moving_mean)) / torch.sqrt(t(moving_var) + BN_EPS) * gt + bt
    (y * t(dy)).sum().backward()
    write_case(name, [("x", x), ("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                      ("moving_variance", moving_var), ("y", y), ("dy", dy), ("dx", xt.grad),
                      ("dgamma", gt.grad), ("dbeta", bt.grad)])


def activation_input():
    rng = rng_for("activations")
    x = rng.standard_normal((3, 7)) * 2.0
    # Exact zeros (both signs), values near zero, and saturating magnitudes.
    special = [0.0, -0.0, 1e-8, -1e-8, 1e-3, -1e-3, 0.0, 20.0, -20.0, 1e-30]
    x.flat[[0, 3, 5, 8, 10, 13, 16, 18, 19, 20]] = special
    return f32(x)


def case_activation(name, fn):
    x = activation_input()
    dy = draw(rng_for(name), x.shape)
    xt = t(x, True)
    y = fn(xt)
    (y * t(dy)).sum().backward()
    write_case(name, [("x", x), ("y", y), ("dy", dy), ("dx", xt.grad)])


def case_bce_logits():
    logits = f32(np.array([-30.0, -4.5, -0.5, 0.0, 0.25, 3.0, 30.0]).reshape(7, 1))
    out = {}
    for label, z in (("ones", 1.0), ("zeros", 0.0)):
        xt = t(logits, True)
        loss = sigmoid_bce_with_logits(xt, torch.full_like(xt, z)).mean()   # mean over the batch
        loss.backward()
        check_close("bce_logits.grad", xt.grad, (torch.sigmoid(xt) - z).detach() / len(logits))
        out["loss_" + label], out["dlogits_" + label] = loss, xt.grad
    write_case("bce_logits", [("logits", logits), ("loss_ones", out["loss_ones"]),
                              ("loss_zeros", out["loss_zeros"]), ("dlogits_ones", out["dlogits_ones"]),
                              ("dlogits_zeros", out["dlogits_zeros"])])


def case_bce_probs():
    p = f32(np.array([0.0, 1e-9, 0.2, 0.5, 0.8, 0.9999, 1.0]).reshape(7, 1))
    tensors = {}
    for label, z in (("ones", 1.0), ("zeros", 0.0)):
        pt = t(p, True)
        loss = bce_probs(pt, torch.full_like(pt, z)).mean()
        loss.backward()
        tensors["loss_" + label], tensors["dp_" + label] = loss, pt.grad
    write_case("bce_probs", [("p", p), ("loss_ones", tensors["loss_ones"]), ("loss_zeros", tensors["loss_zeros"]),
                             ("dp_ones", tensors["dp_ones"]), ("dp_zeros", tensors["dp_zeros"])])


def case_adam(name, lr, beta1, beta2=0.999, eps=1e-7):
    """Keras Adam in float64 numpy, three steps from m = v = 0."""
    rng = rng_for(name)
    param = draw(rng, (10,))
    grads = [draw(rng, (10,), s) for s in (1.0, 0.5, 2.0)]
    grads[1][3] = 0.0                                   # a zero gradient entry
    theta, m, v = param.copy(), np.zeros(10), np.zeros(10)
    tensors = [("param", param), ("g1", grads[0]), ("g2", grads[1]), ("g3", grads[2])]
    for step, g in enumerate(grads):
        tt = step + 1
        alpha = lr * math.sqrt(1 - beta2 ** tt) / (1 - beta1 ** tt)
        m += (g - m) * (1 - beta1)
        v += (g * g - v) * (1 - beta2)
        theta = theta - alpha * m / (np.sqrt(v) + eps)
        tensors.append(("p%d" % tt, theta.copy()))
    tensors += [("m3", m), ("v3", v), ("lr", np.float64(lr)), ("beta1", np.float64(beta1)),
                ("beta2", np.float64(beta2)), ("epsilon", np.float64(eps))]
    write_case(name, tensors)


# ----------------------------------------------------------------------------------------------
# Whole models with formula weights

def glorot_limit(shape):
    if len(shape) == 2:
        fan_in, fan_out = shape
    else:
        rf = int(np.prod(shape[:-2]))
        fan_in, fan_out = shape[-2] * rf, shape[-1] * rf
    return math.sqrt(6.0 / (fan_in + fan_out))


def formula_weight(t_index, shape, kind):
    count = int(np.prod(shape))
    arg = [0.7 + 0.37 * i + 1.3 * t_index for i in range(count)]
    s = np.array([math.sin(a) for a in arg])
    if kind == "kernel":
        v = glorot_limit(shape) * s
    elif kind == "gamma":
        v = 1.0 + 0.1 * s
    else:                                               # bias, beta
        v = 0.1 * s
    return f32(v).reshape(shape)


def sample_indices(count):
    return [(j * count) // SAMPLE_COUNT for j in range(SAMPLE_COUNT)]


def summaries(name, grad, weight):
    flat = grad.detach().numpy().reshape(-1)
    idx = sample_indices(flat.size)
    return [(name + ".sum", flat.sum()), (name + ".abs_sum", np.abs(flat).sum()),
            (name + ".sample", flat[idx]), (name + ".value_sample", weight.reshape(-1)[idx])]


def make_params(specs):
    """specs: list of (name, shape, kind) in model order; t is the position in this list."""
    return [(name, formula_weight(i, shape, kind)) for i, (name, shape, kind) in enumerate(specs)]


GENERATOR_SPECS = [
    ("g.dense.kernel", (100, 12544), "kernel"),
    ("g.bn0.gamma", (12544,), "gamma"), ("g.bn0.beta", (12544,), "beta"),
    ("g.convt1.kernel", (5, 5, 128, 256), "kernel"),
    ("g.bn1.gamma", (128,), "gamma"), ("g.bn1.beta", (128,), "beta"),
    ("g.convt2.kernel", (5, 5, 64, 128), "kernel"),
    ("g.bn2.gamma", (64,), "gamma"), ("g.bn2.beta", (64,), "beta"),
    ("g.convt3.kernel", (5, 5, 1, 64), "kernel"),
]

DISCRIMINATOR_SPECS = [
    ("d.conv0.kernel", (5, 5, 1, 64), "kernel"), ("d.conv0.bias", (64,), "bias"),
    ("d.conv1.kernel", (5, 5, 64, 128), "kernel"), ("d.conv1.bias", (128,), "bias"),
    ("d.dense.kernel", (6272, 1), "kernel"), ("d.dense.bias", (1,), "bias"),
]


def case_generator():
    rng = rng_for("generator")
    noise = draw(rng, (4, 100))
    params = make_params(GENERATOR_SPECS)
    w = {name: t(value, True) for name, value in params}
    x = t(noise, True)
    stats = []                                          # (bn name, batch mean, biased var, n, rank)

    def bn(h, name):
        y, mean, var = batch_norm_train(h, w[name + ".gamma"], w[name + ".beta"])
        stats.append((name, mean.detach(), var.detach(), int(np.prod(h.shape[:-1])), h.dim()))
        return y

    h = x @ w["g.dense.kernel"]                         # Dense(12544, use_bias=False)
    h = leaky_relu(bn(h, "g.bn0"))
    h = h.reshape(4, 7, 7, 256)                         # Reshape((7, 7, 256)), NHWC
    h = leaky_relu(bn(conv2d_transpose(h, w["g.convt1.kernel"], None, 1, "same"), "g.bn1"))
    h = leaky_relu(bn(conv2d_transpose(h, w["g.convt2.kernel"], None, 2, "same"), "g.bn2"))
    y = torch.tanh(conv2d_transpose(h, w["g.convt3.kernel"], None, 2, "same"))
    assert tuple(y.shape) == (4, 28, 28, 1)
    dy = draw(rng, (4, 28, 28, 1))
    (y * t(dy)).sum().backward()

    tensors = [("x", noise), ("y", y), ("dy", dy), ("dx", x.grad)]
    for name, value in params:
        tensors += summaries(name, w[name].grad, value)
    # Keras 2 moving statistics after this one training forward (start: mean 0, variance 1).
    for name, mean, var, n, rank in stats:
        c = mean.shape[0]
        new_mean, new_var = moving_update(torch.zeros(c), torch.ones(c), mean, var, n, rank)
        idx = sample_indices(c)
        tensors += [(name + ".new_moving_mean.sample", new_mean[idx]),
                    (name + ".new_moving_variance.sample", new_var[idx])]
    write_case("generator", tensors)


def case_discriminator():
    rng = rng_for("discriminator")
    images = f32(np.tanh(rng.standard_normal((4, 28, 28, 1))))   # in [-1, 1] like the data
    params = make_params(DISCRIMINATOR_SPECS)
    w = {name: t(value, True) for name, value in params}
    x = t(images, True)
    h = leaky_relu(conv2d(x, w["d.conv0.kernel"], w["d.conv0.bias"], 2, "same"))   # Dropout = identity
    h = leaky_relu(conv2d(h, w["d.conv1.kernel"], w["d.conv1.bias"], 2, "same"))   # Dropout = identity
    h = h.reshape(4, 7 * 7 * 128)                       # Flatten of NHWC: (h, w, c) order
    y = h @ w["d.dense.kernel"] + w["d.dense.bias"]
    dy = draw(rng, (4, 1))
    (y * t(dy)).sum().backward()
    tensors = [("x", images), ("y", y), ("dy", dy), ("dx", x.grad)]
    for name, value in params:
        tensors += summaries(name, w[name].grad, value)
    write_case("discriminator", tensors)


# ----------------------------------------------------------------------------------------------
# Whole train steps: the tutorial's train_step with formula weights, several steps in a row

ADAM_LR, ADAM_BETA1, ADAM_BETA2, ADAM_EPS = 1e-4, 0.9, 0.999, 1e-7
TRAIN_STEP_NOISE = 4


def generator_forward(w, noise, stats):
    """The tutorial generator in training mode; appends (bn name, batch mean, biased var, n, rank) to stats."""
    def bn(h, name):
        y, mean, var = batch_norm_train(h, w[name + ".gamma"], w[name + ".beta"])
        stats.append((name, mean.detach(), var.detach(), int(np.prod(h.shape[:-1])), h.dim()))
        return y

    h = leaky_relu(bn(noise @ w["g.dense.kernel"], "g.bn0"))
    h = h.reshape(noise.shape[0], 7, 7, 256)
    h = leaky_relu(bn(conv2d_transpose(h, w["g.convt1.kernel"], None, 1, "same"), "g.bn1"))
    h = leaky_relu(bn(conv2d_transpose(h, w["g.convt2.kernel"], None, 2, "same"), "g.bn2"))
    return torch.tanh(conv2d_transpose(h, w["g.convt3.kernel"], None, 2, "same"))


def discriminator_forward(w, images, sigmoid):
    """The tutorial discriminator with dropout rate 0 (identity); optionally ending in a sigmoid."""
    h = leaky_relu(conv2d(images, w["d.conv0.kernel"], w["d.conv0.bias"], 2, "same"))
    h = leaky_relu(conv2d(h, w["d.conv1.kernel"], w["d.conv1.bias"], 2, "same"))
    y = h.reshape(images.shape[0], 7 * 7 * 128) @ w["d.dense.kernel"] + w["d.dense.bias"]
    return torch.sigmoid(y) if sigmoid else y


def adam_step(theta, m, v, g, step, lr=ADAM_LR, beta1=ADAM_BETA1):
    """Keras Adam in place, in the arrays' own precision (float64 for the goldens)."""
    c = theta.dtype.type
    tt = step + 1
    alpha = c(lr * math.sqrt(1 - ADAM_BETA2 ** tt) / (1 - beta1 ** tt))
    m += (g - m) * c(1 - beta1)
    v += (g * g - v) * c(1 - ADAM_BETA2)
    theta -= alpha * m / (np.sqrt(v) + c(ADAM_EPS))


def run_train_steps(case, real_sizes, sigmoid, dtype=np.float64):
    """The tutorial's train_step, once per entry of real_sizes, from the formula weights and moving
    statistics 0 / 1. Both gradients come from one forward (G's through D at D's pre-update weights),
    then Adam steps G, then D. dtype float32 re-runs everything in float32 (to measure tolerances)."""
    rng = rng_for(case)
    inputs = []
    for n_real in real_sizes:
        noise = draw(rng, (TRAIN_STEP_NOISE, 100))
        real = f32(np.tanh(rng.standard_normal((n_real, 28, 28, 1))))
        inputs.append((noise, real))
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    params = make_params(GENERATOR_SPECS) + make_params(DISCRIMINATOR_SPECS)
    g_names = [name for name, _, _ in GENERATOR_SPECS]
    d_names = [name for name, _, _ in DISCRIMINATOR_SPECS]
    theta = {name: value.astype(dtype) for name, value in params}
    m = {name: np.zeros_like(value) for name, value in theta.items()}
    v = {name: np.zeros_like(value) for name, value in theta.items()}
    moving = {bn: (np.zeros(c, dtype), np.ones(c, dtype)) for bn, c in (("g.bn0", 12544), ("g.bn1", 128), ("g.bn2", 64))}

    def loss_fn(out, z):
        target = torch.full_like(out, z)
        return (bce_probs(out, target) if sigmoid else sigmoid_bce_with_logits(out, target)).mean()

    tensors = []
    for step, (noise, real) in enumerate(inputs):
        w = {name: torch.tensor(value, dtype=tdtype, requires_grad=True) for name, value in theta.items()}
        stats = []
        fake = generator_forward(w, torch.tensor(noise, dtype=tdtype), stats)
        real_out = discriminator_forward(w, torch.tensor(real, dtype=tdtype), sigmoid)
        fake_out = discriminator_forward(w, fake, sigmoid)
        gen_loss = loss_fn(fake_out, 1.0)
        disc_loss = loss_fn(real_out, 1.0) + loss_fn(fake_out, 0.0)
        g_grads = torch.autograd.grad(gen_loss, [w[n] for n in g_names], retain_graph=True)
        d_grads = torch.autograd.grad(disc_loss, [w[n] for n in d_names])
        for name, grad in zip(g_names + d_names, g_grads + d_grads):
            adam_step(theta[name], m[name], v[name], grad.numpy(), step)
        for name, mean, var, n, rank in stats:
            mm, mv = moving[name]
            new_mean, new_var = moving_update(torch.tensor(mm), torch.tensor(mv), mean, var, n, rank)
            moving[name] = (new_mean.numpy().astype(dtype), new_var.numpy().astype(dtype))
        k = step + 1
        real_prob = real_out if sigmoid else torch.sigmoid(real_out)
        fake_prob = fake_out if sigmoid else torch.sigmoid(fake_out)
        tensors += [("noise%d" % k, noise), ("real%d" % k, real), ("gen_loss%d" % k, gen_loss),
                    ("disc_loss%d" % k, disc_loss), ("real_prob%d" % k, real_prob), ("fake_prob%d" % k, fake_prob)]

    for name, initial in params:
        idx = sample_indices(initial.size)
        delta = (theta[name].astype(np.float64) - initial).reshape(-1)
        mf, vf = m[name].reshape(-1), v[name].reshape(-1)
        tensors += [(name + ".delta.sum", delta.sum()), (name + ".delta.abs_sum", np.abs(delta).sum()),
                    (name + ".delta.sample", delta[idx]),
                    (name + ".m.sum", mf.sum()), (name + ".m.abs_sum", np.abs(mf).sum()), (name + ".m.sample", mf[idx]),
                    (name + ".v.sum", vf.sum()), (name + ".v.sample", vf[idx])]
    for bn, (mm, mv) in moving.items():
        idx = sample_indices(mm.size)
        tensors += [(bn + ".moving_mean.sample", mm[idx]), (bn + ".moving_variance.sample", mv[idx])]
    return tensors


def case_train_steps(case, real_sizes, sigmoid):
    write_case(case, run_train_steps(case, real_sizes, sigmoid))


# ----------------------------------------------------------------------------------------------
# The DCGAN paper's models (--arch dcgan), built from torch.nn modules as pytorch/examples' dcgan/main.py builds them:
# nn.Conv2d / nn.ConvTranspose2d with a 4x4 kernel, stride 2 and padding 1, nn.BatchNorm2d with PyTorch's defaults
# (momentum 0.1, eps 1e-5, the unbiased batch variance into running_var). The C# side works in NHWC with Keras kernel
# layouts and TF 'same' padding; the weights are mapped between the layouts explicitly below, so these cases also check
# that 'same' with a 4x4 kernel and stride 2 on even sizes is torch's padding 1.

TORCH_BN_EPS = 1e-5
TORCH_BN_MOMENTUM = 0.1
DCGAN_LEAKY_SLOPE = 0.2


def keras_to_torch_kernel(kernel):
    """Conv2D (kh, kw, in, out) -> Conv2d (out, in, kh, kw); Conv2DTranspose (kh, kw, out, in) -> ConvTranspose2d
    (in, out, kh, kw). The same permutation for both, and no flip."""
    return kernel.permute(3, 2, 0, 1)


def torch_to_keras_kernel(weight):
    return weight.permute(2, 3, 1, 0)


def case_torch_conv(name, transpose, x_shape, k_shape, stride, padding):
    """One nn.Conv2d / nn.ConvTranspose2d (with bias, like the other conv cases) against the TF 'same'/'valid' emulation
    above: torch's padding must give exactly the Keras layer."""
    rng = rng_for(name)
    x = draw(rng, x_shape)
    kernel = draw(rng, k_shape, 0.3)
    kh = k_shape[0]
    if transpose:
        out_ch, in_ch = k_shape[2], k_shape[3]
        module = nn.ConvTranspose2d(in_ch, out_ch, kh, stride, padding, bias=True)
    else:
        in_ch, out_ch = k_shape[2], k_shape[3]
        module = nn.Conv2d(in_ch, out_ch, kh, stride, padding, bias=True)
    bias = draw(rng, (out_ch,), 0.5)
    with torch.no_grad():
        module.weight.copy_(keras_to_torch_kernel(t(kernel)))
        module.bias.copy_(t(bias))
    xt = t(x, True)
    y = nchw_to_nhwc(module(nhwc_to_nchw(xt)))
    dy = draw(rng, tuple(y.shape))
    (y * t(dy)).sum().backward()

    tf_padding = "valid" if padding == 0 else "same"
    reference = (conv2d_transpose if transpose else conv2d)(t(x), t(kernel), t(bias), stride, tf_padding)
    check_close(name + ".y (torch padding %d = Keras '%s')" % (padding, tf_padding), y, reference)

    write_case(name, [("x", x), ("kernel", kernel), ("bias", bias), ("y", y), ("dy", dy), ("dx", xt.grad),
                      ("dkernel", torch_to_keras_kernel(module.weight.grad)), ("dbias", module.bias.grad)])


def torch_moving_update(moving_mean, moving_var, batch_mean, batch_var_biased, n):
    """PyTorch's running statistics: (1 - momentum) * running + momentum * batch, the UNBIASED variance for every rank."""
    new_mean = moving_mean * (1 - TORCH_BN_MOMENTUM) + batch_mean * TORCH_BN_MOMENTUM
    new_var = moving_var * (1 - TORCH_BN_MOMENTUM) + batch_var_biased * n / (n - 1) * TORCH_BN_MOMENTUM
    return new_mean, new_var


def case_torch_bn(name, x_shape, training):
    """nn.BatchNorm2d (4-D) or nn.BatchNorm1d (2-D) with PyTorch's defaults, on NHWC data (channels last)."""
    rng = rng_for(name)
    c = x_shape[-1]
    four_d = len(x_shape) == 4
    x = f32(rng.standard_normal(x_shape) * 1.5 + 0.7)
    gamma, beta, moving_mean, moving_var = bn_params(rng, c)
    dy = draw(rng, x_shape)
    bn = nn.BatchNorm2d(c) if four_d else nn.BatchNorm1d(c)
    assert bn.eps == TORCH_BN_EPS and bn.momentum == TORCH_BN_MOMENTUM
    with torch.no_grad():
        bn.weight.copy_(t(gamma))
        bn.bias.copy_(t(beta))
        bn.running_mean.copy_(t(moving_mean))
        bn.running_var.copy_(t(moving_var))
    bn.train(training)
    xt = t(x, True)
    y = nchw_to_nhwc(bn(nhwc_to_nchw(xt))) if four_d else bn(xt)
    (y * t(dy)).sum().backward()
    tensors = [("x", x), ("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean), ("moving_variance", moving_var),
               ("y", y), ("dy", dy), ("dx", xt.grad), ("dgamma", bn.weight.grad), ("dbeta", bn.bias.grad)]
    if training:
        # Self-check the module against the formulas the C# layer implements.
        y_ref, mean, var = batch_norm_train(t(x), t(gamma), t(beta), TORCH_BN_EPS)
        check_close(name + ".y", y, y_ref)
        n = int(np.prod(x_shape[:-1]))
        new_mean, new_var = torch_moving_update(t(moving_mean), t(moving_var), mean, var, n)
        check_close(name + ".running_mean", bn.running_mean, new_mean)
        check_close(name + ".running_var", bn.running_var, new_var)
        tensors += [("batch_mean", mean), ("batch_variance", var), ("new_moving_mean", bn.running_mean),
                    ("new_moving_variance", bn.running_var)]
    else:
        y_ref = (t(x) - t(moving_mean)) / torch.sqrt(t(moving_var) + TORCH_BN_EPS) * t(gamma) + t(beta)
        check_close(name + ".y", y, y_ref)
    write_case(name, tensors)


# The dcgan-64 pair of the model and train-step cases: 64x64x3 images, noise 100, small widths so the files stay small.
DCGAN_NZ, DCGAN_NGF, DCGAN_NDF, DCGAN_SIZE, DCGAN_NC = 100, 8, 8, 64, 3
DCGAN_BATCH = 4
DCGAN_ADAM_LR, DCGAN_ADAM_BETA1 = 2e-4, 0.5

# Keras-layout parameter tensors in the C# models' order (t = position), each with how it maps onto its torch module:
#   dense_convt: G's Dense(4*4*C) + Reshape(4, 4, C) = ConvTranspose2d(nz, C, 4, 1, 0) on a 1x1 input,
#                kernel[z, (h*4 + w)*C + c] = weight[z, c, h, w]
#   dense_conv:  D's Flatten + Dense(1) = Conv2d(C, 1, 4, 1, 0) on a 4x4 input, kernel[(h*4 + w)*C + c, 0] = weight[0, c, h, w]
#   kernel:      Conv2D / Conv2DTranspose kernels (keras_to_torch_kernel);  vector: BatchNorm gamma, beta
DCGAN_GENERATOR_SPECS = [
    ("g.dense.kernel", (DCGAN_NZ, 4 * 4 * 8 * DCGAN_NGF), "kernel", "dense_convt"),
    ("g.bn0.gamma", (8 * DCGAN_NGF,), "gamma", "vector"), ("g.bn0.beta", (8 * DCGAN_NGF,), "beta", "vector"),
    ("g.convt1.kernel", (4, 4, 4 * DCGAN_NGF, 8 * DCGAN_NGF), "kernel", "kernel"),
    ("g.bn1.gamma", (4 * DCGAN_NGF,), "gamma", "vector"), ("g.bn1.beta", (4 * DCGAN_NGF,), "beta", "vector"),
    ("g.convt2.kernel", (4, 4, 2 * DCGAN_NGF, 4 * DCGAN_NGF), "kernel", "kernel"),
    ("g.bn2.gamma", (2 * DCGAN_NGF,), "gamma", "vector"), ("g.bn2.beta", (2 * DCGAN_NGF,), "beta", "vector"),
    ("g.convt3.kernel", (4, 4, DCGAN_NGF, 2 * DCGAN_NGF), "kernel", "kernel"),
    ("g.bn3.gamma", (DCGAN_NGF,), "gamma", "vector"), ("g.bn3.beta", (DCGAN_NGF,), "beta", "vector"),
    ("g.convt4.kernel", (4, 4, DCGAN_NC, DCGAN_NGF), "kernel", "kernel"),
]

DCGAN_DISCRIMINATOR_SPECS = [
    ("d.conv0.kernel", (4, 4, DCGAN_NC, DCGAN_NDF), "kernel", "kernel"),
    ("d.conv1.kernel", (4, 4, DCGAN_NDF, 2 * DCGAN_NDF), "kernel", "kernel"),
    ("d.bn1.gamma", (2 * DCGAN_NDF,), "gamma", "vector"), ("d.bn1.beta", (2 * DCGAN_NDF,), "beta", "vector"),
    ("d.conv2.kernel", (4, 4, 2 * DCGAN_NDF, 4 * DCGAN_NDF), "kernel", "kernel"),
    ("d.bn2.gamma", (4 * DCGAN_NDF,), "gamma", "vector"), ("d.bn2.beta", (4 * DCGAN_NDF,), "beta", "vector"),
    ("d.conv3.kernel", (4, 4, 4 * DCGAN_NDF, 8 * DCGAN_NDF), "kernel", "kernel"),
    ("d.bn3.gamma", (8 * DCGAN_NDF,), "gamma", "vector"), ("d.bn3.beta", (8 * DCGAN_NDF,), "beta", "vector"),
    ("d.dense.kernel", (4 * 4 * 8 * DCGAN_NDF, 1), "kernel", "dense_conv"),
]

DCGAN_GENERATOR_BNS = ["g.bn0", "g.bn1", "g.bn2", "g.bn3"]
DCGAN_DISCRIMINATOR_BNS = ["d.bn1", "d.bn2", "d.bn3"]


def dcgan_generator_module(nz=DCGAN_NZ, ngf=DCGAN_NGF, nc=DCGAN_NC):
    """pytorch/examples' Generator at 64x64 (its main), bias-free convolutions."""
    return nn.Sequential(
        nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(),    # 1 -> 4
        nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(),  # 4 -> 8
        nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(),  # 8 -> 16
        nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(),          # 16 -> 32
        nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())                                    # 32 -> 64


def dcgan_discriminator_module(ndf=DCGAN_NDF, nc=DCGAN_NC):
    """pytorch/examples' Discriminator at 64x64 without its final Sigmoid: the logit, trained with BCE from logits."""
    return nn.Sequential(
        nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(DCGAN_LEAKY_SLOPE),                              # 64 -> 32
        nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(DCGAN_LEAKY_SLOPE),  # 32 -> 16
        nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(DCGAN_LEAKY_SLOPE),  # 16 -> 8
        nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(DCGAN_LEAKY_SLOPE),  # 8 -> 4
        nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False))                                                              # 4 -> 1


def keras_to_torch(value, mapping):
    v = t(value)
    if mapping == "dense_convt":
        nz, size = value.shape
        return v.reshape(nz, 4, 4, size // 16).permute(0, 3, 1, 2)
    if mapping == "dense_conv":
        size, out = value.shape
        return v.reshape(4, 4, size // 16, out).permute(3, 2, 0, 1)
    if mapping == "kernel":
        return keras_to_torch_kernel(v)
    return v


def torch_to_keras(tensor, mapping):
    if mapping == "dense_convt":
        return tensor.permute(0, 2, 3, 1).reshape(tensor.shape[0], -1)
    if mapping == "dense_conv":
        return tensor.permute(2, 3, 1, 0).reshape(-1, tensor.shape[0])
    if mapping == "kernel":
        return torch_to_keras_kernel(tensor)
    return tensor


def load_module(module, specs, values):
    """Copies Keras-layout values (name -> array) into the module's parameters, in order; BN statistics start at 0 / 1."""
    params = list(module.parameters())
    assert len(params) == len(specs)
    with torch.no_grad():
        for p, (name, shape, _, mapping) in zip(params, specs):
            w = keras_to_torch(values[name], mapping)
            assert tuple(w.shape) == tuple(p.shape), (name, tuple(w.shape), tuple(p.shape))
            p.copy_(w)
    return params


def batch_norms(module):
    return [m for m in module if isinstance(m, nn.BatchNorm2d)]


def dcgan_formula_weights(specs):
    return {name: formula_weight(i, shape, kind) for i, (name, shape, kind, _) in enumerate(specs)}


def moving_samples(names, module, prefix):
    tensors = []
    for name, bn in zip(names, batch_norms(module)):
        idx = sample_indices(bn.running_mean.numel())
        tensors += [(name + prefix + "moving_mean.sample", bn.running_mean[idx]),
                    (name + prefix + "moving_variance.sample", bn.running_var[idx])]
    return tensors


def case_dcgan_generator():
    rng = rng_for("dcgan_generator")
    noise = draw(rng, (DCGAN_BATCH, DCGAN_NZ))
    weights = dcgan_formula_weights(DCGAN_GENERATOR_SPECS)
    net = dcgan_generator_module()
    params = load_module(net, DCGAN_GENERATOR_SPECS, weights)
    net.train()
    x = t(noise, True)
    y = nchw_to_nhwc(net(x.reshape(DCGAN_BATCH, DCGAN_NZ, 1, 1)))
    assert tuple(y.shape) == (DCGAN_BATCH, DCGAN_SIZE, DCGAN_SIZE, DCGAN_NC)
    dy = draw(rng, tuple(y.shape))
    (y * t(dy)).sum().backward()
    tensors = [("x", noise), ("y", y), ("dy", dy), ("dx", x.grad)]
    for p, (name, _, _, mapping) in zip(params, DCGAN_GENERATOR_SPECS):
        tensors += summaries(name, torch_to_keras(p.grad, mapping), weights[name])
    # PyTorch's running statistics after this one training forward (start: mean 0, variance 1).
    tensors += moving_samples(DCGAN_GENERATOR_BNS, net, ".new_")
    write_case("dcgan_generator", tensors)


def case_dcgan_discriminator():
    rng = rng_for("dcgan_discriminator")
    images = f32(np.tanh(rng.standard_normal((DCGAN_BATCH, DCGAN_SIZE, DCGAN_SIZE, DCGAN_NC))))   # in [-1, 1]
    weights = dcgan_formula_weights(DCGAN_DISCRIMINATOR_SPECS)
    net = dcgan_discriminator_module()
    params = load_module(net, DCGAN_DISCRIMINATOR_SPECS, weights)
    net.train()                                         # batch statistics, as D runs in a train step
    x = t(images, True)
    y = net(nhwc_to_nchw(x)).reshape(DCGAN_BATCH, 1)
    dy = draw(rng, (DCGAN_BATCH, 1))
    (y * t(dy)).sum().backward()
    tensors = [("x", images), ("y", y), ("dy", dy), ("dx", x.grad)]
    for p, (name, _, _, mapping) in zip(params, DCGAN_DISCRIMINATOR_SPECS):
        tensors += summaries(name, torch_to_keras(p.grad, mapping), weights[name])
    tensors += moving_samples(DCGAN_DISCRIMINATOR_BNS, net, ".new_")
    write_case("dcgan_discriminator", tensors)


def case_dcgan_train_step(case):
    """One joint step of the dcgan-64 pair, the same step as run_train_steps (TrainStep): G(noise), D(real), D(fake) in
    training mode (D's running statistics move twice, real then fake); both gradients from that one forward; then Keras
    Adam (lr 2e-4, beta1 0.5, the DCGAN paper's) steps G, then D."""
    rng = rng_for(case)
    noise = draw(rng, (DCGAN_BATCH, DCGAN_NZ))
    real = f32(np.tanh(rng.standard_normal((DCGAN_BATCH, DCGAN_SIZE, DCGAN_SIZE, DCGAN_NC))))
    g_weights = dcgan_formula_weights(DCGAN_GENERATOR_SPECS)
    d_weights = dcgan_formula_weights(DCGAN_DISCRIMINATOR_SPECS)
    net_g, net_d = dcgan_generator_module(), dcgan_discriminator_module()
    g_params = load_module(net_g, DCGAN_GENERATOR_SPECS, g_weights)
    d_params = load_module(net_d, DCGAN_DISCRIMINATOR_SPECS, d_weights)
    net_g.train()
    net_d.train()

    fake = net_g(t(noise).reshape(DCGAN_BATCH, DCGAN_NZ, 1, 1))
    real_out = net_d(nhwc_to_nchw(t(real))).reshape(DCGAN_BATCH, 1)
    fake_out = net_d(fake).reshape(DCGAN_BATCH, 1)

    def loss_fn(out, z):
        return sigmoid_bce_with_logits(out, torch.full_like(out, z)).mean()

    gen_loss = loss_fn(fake_out, 1.0)
    disc_loss = loss_fn(real_out, 1.0) + loss_fn(fake_out, 0.0)
    g_grads = torch.autograd.grad(gen_loss, g_params, retain_graph=True)
    d_grads = torch.autograd.grad(disc_loss, d_params)

    tensors = [("noise1", noise), ("real1", real), ("gen_loss1", gen_loss), ("disc_loss1", disc_loss),
               ("real_prob1", torch.sigmoid(real_out)), ("fake_prob1", torch.sigmoid(fake_out))]
    for specs, weights, grads in ((DCGAN_GENERATOR_SPECS, g_weights, g_grads), (DCGAN_DISCRIMINATOR_SPECS, d_weights, d_grads)):
        for (name, _, _, mapping), grad in zip(specs, grads):
            initial = weights[name]
            theta, m, v = initial.copy(), np.zeros_like(initial), np.zeros_like(initial)
            adam_step(theta, m, v, torch_to_keras(grad, mapping).detach().numpy(), 0, DCGAN_ADAM_LR, DCGAN_ADAM_BETA1)
            idx = sample_indices(initial.size)
            delta, mf, vf = (theta - initial).reshape(-1), m.reshape(-1), v.reshape(-1)
            tensors += [(name + ".delta.sum", delta.sum()), (name + ".delta.abs_sum", np.abs(delta).sum()),
                        (name + ".delta.sample", delta[idx]),
                        (name + ".m.sum", mf.sum()), (name + ".m.abs_sum", np.abs(mf).sum()), (name + ".m.sample", mf[idx]),
                        (name + ".v.sum", vf.sum()), (name + ".v.sample", vf[idx])]
    tensors += moving_samples(DCGAN_GENERATOR_BNS, net_g, ".")
    tensors += moving_samples(DCGAN_DISCRIMINATOR_BNS, net_d, ".")
    write_case(case, tensors)


def main():
    case_dense("dense", True)
    case_dense("dense_nobias", False)

    case_conv("conv2d_same_k5s2_8", False, (2, 8, 8, 2), (5, 5, 2, 3), 2, "same")
    case_conv("conv2d_same_k5s2_9", False, (2, 9, 9, 2), (5, 5, 2, 3), 2, "same")
    case_conv("conv2d_same_k3s1", False, (2, 6, 5, 3), (3, 3, 3, 4), 1, "same")
    case_conv("conv2d_valid_k3s2", False, (2, 7, 7, 2), (3, 3, 2, 3), 2, "valid")
    case_conv("conv2d_same_k5s2_28", False, (2, 28, 28, 1), (5, 5, 1, 4), 2, "same")

    case_conv("conv2dT_same_k5s1", True, (2, 7, 7, 3), (5, 5, 2, 3), 1, "same")
    case_conv("conv2dT_same_k5s2", True, (2, 4, 4, 3), (5, 5, 2, 3), 2, "same")
    case_conv("conv2dT_same_k5s2_7to14", True, (2, 7, 7, 4), (5, 5, 3, 4), 2, "same")
    case_conv("conv2dT_same_k4s2", True, (2, 5, 5, 2), (4, 4, 3, 2), 2, "same")
    case_conv("conv2dT_valid_k3s2", True, (2, 4, 4, 2), (3, 3, 3, 2), 2, "valid")

    case_bn_train("bn_train_2d", (6, 5))
    case_bn_train("bn_train_4d", (3, 4, 4, 5))
    case_bn_infer("bn_infer_4d", (3, 4, 4, 5))

    case_activation("act_leaky_relu", leaky_relu)
    case_activation("act_relu", relu)
    case_activation("act_tanh", torch.tanh)
    case_activation("act_sigmoid", torch.sigmoid)

    case_bce_logits()
    case_bce_probs()

    case_adam("adam", 1e-3, 0.9)
    case_adam("adam_lr1e-4_b05", 1e-4, 0.5)

    case_generator()
    case_discriminator()

    case_train_steps("train_steps", (4, 4, 4), sigmoid=False)
    case_train_steps("train_steps_short", (4, 3, 4), sigmoid=False)     # the short last batch in step 2
    case_train_steps("train_steps_sigmoid", (4, 4, 4), sigmoid=True)
    # One step: the Winograd path's parameters are checked here, before a second step can amplify its rounding.
    case_train_steps("train_step_one", (4,), sigmoid=False)

    # The DCGAN paper's models (--arch dcgan), from torch.nn modules with padding 1 and PyTorch's BatchNorm.
    case_torch_conv("conv2d_same_k4s2_rgb", False, (2, 8, 8, 3), (4, 4, 3, 5), 2, 1)
    case_torch_conv("conv2d_same_k4s2_gray", False, (2, 16, 16, 1), (4, 4, 1, 4), 2, 1)
    case_torch_conv("conv2d_valid_k4s1", False, (2, 4, 4, 6), (4, 4, 6, 2), 1, 0)
    case_torch_conv("conv2dT_same_k4s2_rgb", True, (2, 4, 4, 5), (4, 4, 3, 5), 2, 1)
    case_torch_conv("conv2dT_same_k4s2_gray", True, (2, 8, 8, 4), (4, 4, 1, 4), 2, 1)
    case_torch_bn("bn_torch_train_4d", (3, 4, 4, 5), training=True)
    case_torch_bn("bn_torch_train_2d", (6, 5), training=True)
    case_torch_bn("bn_torch_infer_4d", (3, 4, 4, 5), training=False)
    case_dcgan_generator()
    case_dcgan_discriminator()
    case_dcgan_train_step("dcgan_train_step_one")


if __name__ == "__main__":
    main()
