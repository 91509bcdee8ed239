// The generator's Sequential as an ONNX graph in inference mode, one group of nodes per layer; the engine is NHWC and ONNX
// convolutions are NCHW, so images travel as NCHW inside the graph and are transposed at its boundaries. Operators:
// onnx/docs/Operators.md at opset 17 (Gemm, BatchNormalization, ConvTranspose, Conv, Gather, Concat, Transpose, ...).
namespace Dcgan.Export;

using Dcgan.Engine;
using Dcgan.Engine.Layers;
using Onnx;
using static GraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

/// <summary>
/// Walks a generator's layers and emits their nodes. Tensors between layers: a flat sample (D) is [N, D]; an image
/// sample (H, W, C) is [N, C, H, W]. The graph's inputs are <c>noise</c> [N, Z] and, for a conditional generator,
/// <c>label</c> int64 [N] (one-hot by a Gather from a constant identity, concatenated after the noise, and read by every
/// ClassAffine); its output is <c>images</c> [N, H, W, C].
/// </summary>
internal sealed class GeneratorGraph
{
    /// <summary>The layer kinds the walk knows, for the error that names an unknown one.</summary>
    public const string KnownLayers = "Dense, BatchNormalization, ClassAffine, LeakyReLU, ReLU, tanh, sigmoid, Reshape, Flatten, Conv2D, Conv2DTranspose, Dropout";

    private static readonly long[] ToNchw = [0, 3, 1, 2];
    private static readonly long[] ToNhwc = [0, 2, 3, 1];

    private readonly GraphBuilder _g = new("generator");
    private readonly float[] _values;
    private readonly string? _label;
    private readonly int _classes;

    private GeneratorGraph(float[] values, string? label, int classes)
    {
        _values = values;
        _label = label;
        _classes = classes;
    }

    /// <summary>
    /// The graph of <paramref name="generator"/> with parameter values read from <paramref name="values"/> (laid out as
    /// <see cref="Sequential.Values"/>: the generator's own, or its moving average). Its input is Z noise values followed by
    /// a one-hot label of <paramref name="classes"/> classes (0: no label).
    /// </summary>
    public static GraphBuilder Build(Sequential generator, float[] values, int noiseDim, int classes)
    {
        if (values.Length != generator.Values.Length)
        {
            throw new ArgumentException($"{values.Length} parameter values for a generator of {generator.Values.Length}");
        }
        if (generator.InputShape is not [int width] || width != noiseDim + classes || noiseDim < 1 || classes < 0)
        {
            throw new ExportException($"the generator takes ({string.Join(", ", generator.InputShape)}) samples, not {noiseDim} noise values and {classes} classes");
        }
        var walk = new GeneratorGraph(values, classes > 0 ? "label" : null, classes);
        var g = walk._g;
        string x = g.Input("noise", DataType.Float, null, noiseDim);
        if (classes > 0)
        {
            g.Input("label", DataType.Int64, [null]);
            var identity = new float[classes * classes];
            for (int k = 0; k < classes; k++)
            {
                identity[k * classes + k] = 1f;
            }
            string oneHot = g.Node("Gather", "one_hot", [g.Floats("one_hot/identity", identity, classes, classes), "label"], Attribute("axis", 0L));
            x = g.Node("Concat", "noise_and_label", [x, oneHot], Attribute("axis", 1L));
        }
        int[] shape = generator.InputShape;
        foreach (var layer in generator.Layers)
        {
            x = walk.Emit(layer, x, shape);
            shape = layer.OutputShape;
            if (shape.Length is not (1 or 3))
            {
                throw new ExportException($"layer '{layer.Name}' ({layer.ClassName}) gives ({string.Join(", ", shape)}) samples; the exporter handles flat vectors and (H, W, C) images");
            }
        }
        if (shape is not [int h, int w, int c])
        {
            throw new ExportException($"the generator's output ({string.Join(", ", shape)}) is not an (H, W, C) image");
        }
        g.Node("Transpose", "images", [x], Attribute("perm", ToNhwc));
        g.Output("images", DataType.Float, null, h, w, c);
        return g;
    }

    /// <summary>Emits <paramref name="layer"/>'s nodes reading <paramref name="x"/> (a sample of <paramref name="shape"/>); returns its output.</summary>
    private string Emit(Layer layer, string x, int[] shape)
    {
        string name = layer.Name;
        switch (layer)
        {
            case Dense:
            {
                // Gemm's B is Keras's (in, out) kernel as it is: y = x W + b.
                var kernel = Param(layer, "kernel");
                return _g.Node("Gemm", name, [x, Constant(layer, kernel, kernel.Shape), .. Bias(layer)]);
            }
            case BatchNormalization bn:
                // Inference mode: the moving statistics, kept as a BatchNormalization node (not folded into its neighbours).
                return _g.Node("BatchNormalization", name,
                    [x, Constant(layer, Param(layer, "gamma")), Constant(layer, Param(layer, "beta")),
                     Constant(layer, Param(layer, "moving_mean")), Constant(layer, Param(layer, "moving_variance"))],
                    Attribute("epsilon", bn.Epsilon));
            case ClassAffine:
                return ClassNorm(layer, x, shape);
            case Activation act:
                return act.Kind switch
                {
                    ActivationKind.LeakyRelu => _g.Node("LeakyRelu", name, [x], Attribute("alpha", act.Slope)),
                    ActivationKind.Relu => _g.Node("Relu", name, [x]),
                    ActivationKind.Tanh => _g.Node("Tanh", name, [x]),
                    ActivationKind.Sigmoid => _g.Node("Sigmoid", name, [x]),
                    _ => throw Unknown(layer),
                };
            case Reshape:
                return ReshapeNhwc(name, x, shape, layer.OutputShape);
            case Conv2DTranspose convT:
                return ConvTranspose(convT, x);
            case Conv2D conv:
                return Conv(conv, x);
            case Dropout:
                return x; // the identity in inference
            default:
                throw Unknown(layer);
        }
    }

    /// <summary>
    /// Conditional BatchNorm's class-specific half: the label's rows of the (K, C) scale and shift, stored as (K, C, 1, 1)
    /// for images so the gathered [N, C, 1, 1] rows broadcast over H and W.
    /// </summary>
    private string ClassNorm(Layer layer, string x, int[] shape)
    {
        var gamma = Param(layer, "gamma");
        if (_label is null || gamma.Shape[0] != _classes)
        {
            throw new ExportException($"layer '{layer.Name}' (ClassAffine) scales by {gamma.Shape[0]} classes, but the generator takes {_classes}");
        }
        long[] dims = shape.Length == 3 ? [gamma.Shape[0], gamma.Shape[1], 1, 1] : [gamma.Shape[0], gamma.Shape[1]];
        string scale = _g.Node("Gather", layer.Name + "/scale", [Constant(layer, gamma, dims), _label], Attribute("axis", 0L));
        string shift = _g.Node("Gather", layer.Name + "/shift", [Constant(layer, Param(layer, "beta"), dims), _label], Attribute("axis", 0L));
        return _g.Node("Add", layer.Name, [_g.Node("Mul", layer.Name + "/scaled", [x, scale]), shift]);
    }

    /// <summary>A row-major NHWC reshape: images go to NHWC first and back to NCHW after.</summary>
    private string ReshapeNhwc(string name, string x, int[] from, int[] to)
    {
        if (from.AsSpan().SequenceEqual(to))
        {
            return x;
        }
        if (from.Length == 3)
        {
            x = _g.Node("Transpose", name + "/nhwc", [x], Attribute("perm", ToNhwc));
        }
        // 0 copies the batch dimension from the input, so any N (0 included) reshapes.
        string shape = _g.Int64s(name + "/shape", [0, .. to.Select(d => (long)d)]);
        x = _g.Node("Reshape", to.Length == 3 ? name + "/reshape" : name, [x, shape]);
        return to.Length == 3 ? _g.Node("Transpose", name, [x], Attribute("perm", ToNchw)) : x;
    }

    /// <summary>
    /// Keras's (kh, kw, out, in) kernel as ConvTranspose's (in, out, kh, kw); TensorFlow's padding as explicit pads (the odd
    /// pixel after), and output_padding where the kernel is smaller than the stride.
    /// </summary>
    private string ConvTranspose(Conv2DTranspose layer, string x)
    {
        var geo = layer.Geometry; // the convolution this layer transposes: its input is our output
        var kernel = Param(layer, "kernel");
        var w = Permute(Value(kernel), kernel.Shape, [3, 2, 0, 1]);
        int endH = (geo.OutH - 1) * geo.Stride + geo.KH - geo.PadTop - geo.InH;
        int endW = (geo.OutW - 1) * geo.Stride + geo.KW - geo.PadLeft - geo.InW;
        var attributes = new List<AttributeProto>
        {
            Attribute("kernel_shape", geo.KH, geo.KW),
            Attribute("strides", geo.Stride, geo.Stride),
            Attribute("pads", geo.PadTop, geo.PadLeft, Math.Max(endH, 0), Math.Max(endW, 0)),
        };
        if (endH < 0 || endW < 0)
        {
            attributes.Add(Attribute("output_padding", Math.Max(-endH, 0), Math.Max(-endW, 0)));
        }
        string weights = _g.Floats(layer.Name + "/kernel", w, kernel.Shape[3], kernel.Shape[2], kernel.Shape[0], kernel.Shape[1]);
        return _g.Node("ConvTranspose", layer.Name, [x, weights, .. Bias(layer)], [.. attributes]);
    }

    /// <summary>Keras's (kh, kw, in, out) kernel as Conv's (out, in, kh, kw); TensorFlow's padding as explicit pads.</summary>
    private string Conv(Conv2D layer, string x)
    {
        var geo = layer.Geometry;
        var kernel = Param(layer, "kernel");
        var w = Permute(Value(kernel), kernel.Shape, [3, 2, 0, 1]);
        int endH = Math.Max(0, (geo.OutH - 1) * geo.Stride + geo.KH - geo.PadTop - geo.InH);
        int endW = Math.Max(0, (geo.OutW - 1) * geo.Stride + geo.KW - geo.PadLeft - geo.InW);
        string weights = _g.Floats(layer.Name + "/kernel", w, kernel.Shape[3], kernel.Shape[2], kernel.Shape[0], kernel.Shape[1]);
        return _g.Node("Conv", layer.Name, [x, weights, .. Bias(layer)],
            Attribute("kernel_shape", geo.KH, geo.KW), Attribute("strides", geo.Stride, geo.Stride),
            Attribute("pads", geo.PadTop, geo.PadLeft, endH, endW));
    }

    /// <summary>
    /// The 4-D row-major <paramref name="source"/> of shape <paramref name="shape"/> with its axes reordered: output axis i is
    /// input axis <paramref name="axes"/>[i].
    /// </summary>
    internal static float[] Permute(ReadOnlySpan<float> source, int[] shape, int[] axes)
    {
        int[] stride = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
        int[] d = [shape[axes[0]], shape[axes[1]], shape[axes[2]], shape[axes[3]]];
        int[] s = [stride[axes[0]], stride[axes[1]], stride[axes[2]], stride[axes[3]]];
        var result = new float[source.Length];
        int at = 0;
        for (int i = 0; i < d[0]; i++)
        {
            for (int j = 0; j < d[1]; j++)
            {
                for (int k = 0; k < d[2]; k++)
                {
                    for (int l = 0; l < d[3]; l++)
                    {
                        result[at++] = source[i * s[0] + j * s[1] + k * s[2] + l * s[3]];
                    }
                }
            }
        }
        return result;
    }

    private string[] Bias(Layer layer) => layer.Parameters.FirstOrDefault(p => p.Name == "bias") is { } bias ? [Constant(layer, bias)] : [];

    private string Constant(Layer layer, Parameter p, long[]? dims = null) =>
        _g.Floats(layer.Name + "/" + p.Name, Value(p), dims ?? p.Shape.Select(d => (long)d).ToArray());

    private string Constant(Layer layer, Parameter p, int[] dims) => Constant(layer, p, dims.Select(d => (long)d).ToArray());

    private ReadOnlySpan<float> Value(Parameter p) => _values.AsSpan(p.Offset, p.Length);

    private static Parameter Param(Layer layer, string name) => layer.Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new ExportException($"layer '{layer.Name}' ({layer.ClassName}) has no {name}");

    private static ExportException Unknown(Layer layer) =>
        new($"cannot export layer '{layer.Name}' ({layer.ClassName}): the ONNX exporter knows {KnownLayers}");
}
