// Tests of the element-wise driver (ElementWise.cs): every operator over lengths 0..256 and longer, unaligned and in place,
// at each accelerated width against its scalar body (and a double reference), and the public kernels at every width.
namespace Dcgan.Kernels.Tests;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dcgan.Kernels;

/// <summary>Groups the classes that change the global <see cref="ElementWise.Width"/> so nothing runs beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class VectorWidthCollection
{
    public const string Name = "VectorWidth";
}

[Collection(VectorWidthCollection.Name)]
public unsafe class ElementWiseTests
{
    private static readonly int[] LongLengths = [1000, 4099, ElementWise.ChunkLength, ElementWise.ChunkLength + 13, 3 * ElementWise.ChunkLength + 40];

    private static IEnumerable<int> Lengths() => Enumerable.Range(0, 257).Concat(LongLengths);

    /// <summary>Floats per step: scalar, Vector256, Vector512.</summary>
    public static TheoryData<int> Widths() => [1, 8, 16];

    public static TheoryData<string, int> OperatorsAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Unary.Keys.Concat(Binary.Keys).Concat(Ternary.Keys).Concat(MultiArray.Keys))
        {
            foreach (int lanes in new[] { 1, 8, 16 })
            {
                data.Add(name, lanes);
            }
        }
        return data;
    }

    private delegate void Check(int lanes);

    // Each operator with a double reference of what it computes (null where the scalar body is the definition).
    private static readonly Dictionary<string, Check> Unary = new()
    {
        ["LeakyRelu"] = w => CheckUnary(new Activations.LeakyReluOperator(0.3f), w, x => x > 0 ? x : 0.3 * x),
        ["Relu"] = w => CheckUnary(new Activations.LeakyReluOperator(0f), w, x => x > 0 ? x : 0),
        ["Tanh"] = w => CheckUnary(default(Activations.TanhOperator), w, Math.Tanh),
        ["Sigmoid"] = w => CheckUnary(default(Activations.SigmoidOperator), w, x => 1 / (1 + Math.Exp(-x))),
        ["Scale"] = w => CheckUnary(new ScaleOperator(1.7f), w, x => x * 1.7),
    };

    private static readonly Dictionary<string, Check> Binary = new()
    {
        ["LeakyReluDerivative"] = w => CheckBinary(new Activations.LeakyReluDerivativeOperator(0.3f), w, (x, g) => x > 0 ? g : 0.3 * g),
        ["TanhDerivative"] = w => CheckBinary(default(Activations.TanhDerivativeOperator), w, (y, g) => g * (1 - y * y)),
        ["SigmoidDerivative"] = w => CheckBinary(default(Activations.SigmoidDerivativeOperator), w, (y, g) => g * y * (1 - y)),
        ["Add"] = w => CheckBinary(default(AddOperator), w, (x, y) => x + y),
        ["Subtract"] = w => CheckBinary(default(SubtractOperator), w, (x, y) => x - y),
        ["Multiply"] = w => CheckBinary(default(MultiplyOperator), w, (x, y) => x * y),
        ["MovingAverage"] = w => CheckBinary(new VectorMath.MovingAverageOperator(0.75f, 0.25f), w, (a, v) => 0.75 * a + 0.25 * v),
    };

    private static readonly Dictionary<string, Check> Ternary = new()
    {
        ["MultiplyAdd"] = w => CheckTernary(default(MultiplyAddOperator), w, (x, y, z) => x * y + z),
        ["FusedMultiplyAdd"] = w => CheckTernary(default(FusedMultiplyAddOperator), w, (x, y, z) => x * y + z),
        ["BatchNormSquaredDeviation"] = w => CheckTernary(default(BatchNormKernels.SquaredDeviationOperator), w, (x, m, s) => s + (x - m) * (x - m)),
    };

    // Operators on several arrays, built on the arrays' addresses (the kernels' twins check what they compute).
    private static readonly Dictionary<string, Check> MultiArray = new()
    {
        ["AdamUpdate"] = w => CheckMultiArray(w, 4, a => new AdamKernel.UpdateOperator
        {
            Theta = a[0], Grad = a[1], M = a[2], V = a[3], OneMinusBeta1 = 0.1f, OneMinusBeta2 = 0.001f, Alpha = 1e-3f, Epsilon = 1e-7f,
        }),
        ["DropoutForward"] = w => CheckMultiArray(w, 3, a => new DropoutKernel.ForwardOperator<IdentityOperator>
        {
            Draw = new(77, 0.3f), X = a[0], Mask = a[1], Y = a[2],
        }),
        ["DropoutWithoutMask"] = w => CheckMultiArray(w, 2, a => new DropoutKernel.ForwardOperator<IdentityOperator>
        {
            Draw = new(78, 0.5f), X = a[0], Y = a[1],
        }),
        ["DropoutAfterLeakyRelu"] = w => CheckMultiArray(w, 2, a => new DropoutKernel.ForwardOperator<Activations.LeakyReluOperator>
        {
            Draw = new(79, 0.3f), X = a[0], Y = a[1], Activation = new(0.2f),
        }),
        ["DropoutBackwardThroughLeakyRelu"] = w => CheckMultiArray(w, 3, a => new DropoutKernel.BackwardOperator<Activations.LeakyReluDerivativeOperator>
        {
            Mask = new(80, 0.3f), X = a[0], Dy = a[1], Dx = a[2], Derivative = new(0.2f),
        }),
        ["BatchNormNormalize"] = w => CheckMultiArray(w, 7, a => new BatchNormKernels.NormalizeOperator<IdentityOperator>
        {
            X = a[0], Xhat = a[1], Y = a[2], Mean = a[3], InvStd = a[4], Gamma = a[5], Beta = a[6],
        }),
        ["BatchNormNormalizeLeakyRelu"] = w => CheckMultiArray(w, 7, a => new BatchNormKernels.NormalizeOperator<Activations.LeakyReluOperator>
        {
            X = a[0], Xhat = a[1], Y = a[2], Mean = a[3], InvStd = a[4], Gamma = a[5], Beta = a[6], Activation = new(0.2f),
        }),
        ["BatchNormGradientSums"] = w => CheckMultiArray(w, 4, a => new BatchNormKernels.GradientSumsOperator<BatchNormKernels.GivenGradient>
        {
            Dy = a[0], Xhat = a[1], SumDy = a[2], SumDyXhat = a[3],
        }),
        ["BatchNormGradientSumsLeakyRelu"] = w => CheckMultiArray(w, 6, a => new BatchNormKernels.GradientSumsOperator<BatchNormKernels.ThroughLeakyRelu>
        {
            Dy = a[0], Xhat = a[1], SumDy = a[2], SumDyXhat = a[3], Gamma = a[4], Beta = a[5], Gradient = new(0.2f),
        }),
        ["BatchNormInputGradient"] = w => CheckMultiArray(w, 7, a => new BatchNormKernels.InputGradientOperator<BatchNormKernels.GivenGradient>
        {
            Dy = a[0], Xhat = a[1], Dx = a[2], SumDy = a[3], SumDyXhat = a[4], Gamma = a[5], InvStd = a[6], InvRows = 1f / 300,
        }),
        ["BatchNormInputGradientLeakyRelu"] = w => CheckMultiArray(w, 8, a => new BatchNormKernels.InputGradientOperator<BatchNormKernels.ThroughLeakyRelu>
        {
            Dy = a[0], Xhat = a[1], Dx = a[2], SumDy = a[3], SumDyXhat = a[4], Gamma = a[5], InvStd = a[6], Beta = a[7], InvRows = 1f / 300,
            Gradient = new(0.2f),
        }),
    };

    [SkippableTheory]
    [MemberData(nameof(OperatorsAndWidths))]
    public void EveryOperatorMatchesItsScalarBodyAtEveryLengthAndWidth(string name, int lanes)
    {
        Skip.If(lanes > (int)ElementWise.Widest, $"{lanes} floats per step are not accelerated here");
        Check check = Unary.TryGetValue(name, out var u) ? u
            : Binary.TryGetValue(name, out var b) ? b : Ternary.TryGetValue(name, out var t) ? t : MultiArray[name];
        WithWidth(lanes, () => check(lanes));
    }

    /// <summary>A probe whose bodies return their own lane count, so the destination shows which body wrote each element.</summary>
    private readonly struct ProbeOperator : IUnaryOperator
    {
        public float Invoke(float x) => 1;

        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Create(8f);

        public Vector512<float> Invoke(Vector512<float> x) => Vector512.Create(16f);
    }

    private readonly struct ScalarProbeOperator : IUnaryOperator
    {
        public static bool Vectorizable => false;

        public float Invoke(float x) => 1;

        public Vector256<float> Invoke(Vector256<float> x) => throw new NotSupportedException();

        public Vector512<float> Invoke(Vector512<float> x) => throw new NotSupportedException();
    }

    /// <summary>The multi-array probe: each body writes its lane count over the elements it covers.</summary>
    private readonly struct MultiArrayProbeOperator(float* written) : IMultiArrayOperator
    {
        public void Invoke(int i) => written[i] = 1;

        public void Invoke256(int i) => new Span<float>(written + i, 8).Fill(8);

        public void Invoke512(int i) => new Span<float>(written + i, 16).Fill(16);
    }

    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void TheBulkRunsAtTheChosenWidthAndTheRemainderNarrower(int lanes)
    {
        Skip.If(lanes > (int)ElementWise.Widest, $"{lanes} floats per step are not accelerated here");
        WithWidth(lanes, () =>
        {
            foreach (int n in Lengths())
            {
                var y = new float[n];
                ElementWise.Unary(default(ProbeOperator), new float[n], y);
                int bulk = n / lanes * lanes;
                int narrower = lanes == 16 && n - bulk >= 8 ? 8 : 0;
                for (int i = 0; i < n; i++)
                {
                    float expected = i < bulk ? lanes : i < bulk + narrower ? 8 : 1;
                    Assert.True(expected == y[i], $"n = {n}, element {i}: written by the {y[i]}-float body, expected the {expected}-float one");
                }
                var multi = new float[n];
                fixed (float* p = multi)
                {
                    ElementWise.MultiArray(new MultiArrayProbeOperator(p), n);
                }
                Assert.Equal(y, multi);
                ElementWise.Unary(default(ScalarProbeOperator), new float[n], y);
                Assert.All(y, v => Assert.Equal(1f, v));
            }
        });
    }

    [Fact]
    public void TheWidestWidthIsTheWidestTheHardwareRunsNatively()
    {
        var expected = Vector512.IsHardwareAccelerated ? VectorWidth.Vector512
            : Vector256.IsHardwareAccelerated ? VectorWidth.Vector256 : VectorWidth.Scalar;
        Assert.Equal(expected, ElementWise.Widest);
        Assert.Equal(expected, ElementWise.Width);
    }

    [SkippableFact]
    public void AWidthTheHardwareDoesNotRunNativelyIsRefused()
    {
        Skip.If(Vector512.IsHardwareAccelerated, "this machine runs every width natively");
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementWise.Width = VectorWidth.Vector512);
        Assert.Equal(ElementWise.Widest, ElementWise.Width);
    }

    [Fact]
    public void LengthsAndOverlapsAreChecked()
    {
        var a = new float[10];
        Assert.Throws<ArgumentException>(() => ElementWise.Binary(default(AddOperator), a, new float[9], new float[10]));
        Assert.Throws<ArgumentException>(() => ElementWise.Unary(new ScaleOperator(2f), a, new float[9]));
        Assert.Throws<ArgumentException>(() => ElementWise.Unary(new ScaleOperator(2f), a.AsSpan(0, 9), a.AsSpan(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementWise.MultiArray(default(BatchNormKernels.InputGradientOperator<BatchNormKernels.GivenGradient>), -1));
        // In place is fine.
        a.AsSpan().Fill(3f);
        ElementWise.Unary(new ScaleOperator(2f), a, a);
        Assert.All(a, v => Assert.Equal(6f, v));
    }

    /// <summary>Every public element-wise kernel gives, at each width, the bits it gives at the scalar width.</summary>
    [SkippableTheory]
    [MemberData(nameof(Widths))]
    public void PublicKernelsGiveTheScalarWidthsBitsAtEveryWidth(int lanes)
    {
        Skip.If(lanes > (int)ElementWise.Widest, $"{lanes} floats per step are not accelerated here");
        var scalar = WithWidth(1, RunPublicKernels);
        var vector = WithWidth(lanes, RunPublicKernels);
        Assert.Equal(scalar.Count, vector.Count);
        for (int k = 0; k < scalar.Count; k++)
        {
            AssertSameBits(scalar[k].Values, vector[k].Values, scalar[k].Name);
        }
    }

    private static List<(string Name, float[] Values)> RunPublicKernels()
    {
        var results = new List<(string, float[])>();
        foreach (int n in Lengths())
        {
            float[] x = Inputs(n, 1), dy = Inputs(n, 2), b = Inputs(n, 3);
            var y = new float[n];
            var dx = new float[n];
            Activations.LeakyReluForward(x, y, 0.2f);
            Activations.LeakyReluBackward(x, dy, dx, 0.2f);
            results.Add(($"LeakyRelu n={n}", [.. y, .. dx]));
            Activations.TanhForward(x, y);
            Activations.TanhBackward(y, dy, dx);
            results.Add(($"Tanh n={n}", [.. y, .. dx]));
            Activations.SigmoidForward(x, y);
            Activations.SigmoidBackward(y, dy, dx);
            results.Add(($"Sigmoid n={n}", [.. y, .. dx]));
            var sum = (float[])x.Clone();
            VectorMath.AddInPlace(sum, b);
            VectorMath.Multiply(x, b, y);
            VectorMath.Scale(x, 0.7f, dx);
            var average = (float[])x.Clone();
            VectorMath.MovingAverage(average, b, 0.9f);
            results.Add(($"VectorMath n={n}", [.. sum, .. y, .. dx, .. average]));
            float[] theta = Inputs(n, 4), m = Inputs(n, 5), v = Inputs(n, 6);
            for (int i = 0; i < n; i++)
            {
                v[i] = Math.Abs(v[i]);
            }
            AdamKernel.Step(theta, dy, m, v, 3, 2e-4, 0.5, 0.999, 1e-7);
            results.Add(($"Adam n={n}", [.. theta, .. m, .. v]));
            var mask = new float[n];
            DropoutKernel.Forward((ulong)n, 0.4f, x, mask, y);
            results.Add(($"Dropout n={n}", [.. mask, .. y]));
        }
        var shapes = Enumerable.Range(1, 70).Select(c => (Rows: 3, C: c)).Concat([(300, 16), (70, 64), (5, 300), (2, 4099), (1000, 24)]);
        foreach (var (rows, c) in shapes)
        {
            float[] x = Inputs(rows * c, 7), dy = Inputs(rows * c, 8), gamma = Inputs(c, 9), beta = Inputs(c, 10);
            float[] mean = new float[c], variance = new float[c], invStd = new float[c], xhat = new float[rows * c], y = new float[rows * c];
            var scratch = new float[BatchNormKernels.ScratchFloats(c)];
            BatchNormKernels.ForwardTraining(rows, c, x, gamma, beta, 1e-3f, mean, variance, invStd, xhat, y, scratch);
            float[] dgamma = new float[c], dbeta = new float[c], dx = new float[rows * c], sumDy = new float[c], sumDyXhat = new float[c];
            BatchNormKernels.BackwardTraining(rows, c, xhat, dy, gamma, invStd, dgamma, dbeta, dx, scratch, sumDy, sumDyXhat);
            float[] scale = new float[c], shift = new float[c], inference = new float[rows * c];
            BatchNormKernels.ForwardInference(rows, c, x, gamma, beta, mean, variance, 1e-3f, scale, shift, inference);
            var withBias = (float[])x.Clone();
            VectorMath.AddRowVector(withBias, beta);
            var columnSums = new float[c];
            VectorMath.AddColumnSums(x, columnSums);
            results.Add(($"BatchNorm {rows}x{c}",
                [.. mean, .. variance, .. invStd, .. xhat, .. y, .. dgamma, .. dbeta, .. dx, .. inference, .. withBias, .. columnSums]));
        }
        return results;
    }

    private static void CheckUnary<TOp>(TOp op, int lanes, Func<double, double>? reference)
        where TOp : unmanaged, IUnaryOperator
    {
        foreach (int n in Lengths())
        {
            foreach (int offset in new[] { 0, 3 })
            {
                float[] x = Inputs(n + offset, (ulong)n), y = Guarded(n + offset + 2);
                ElementWise.Unary(op, x.AsSpan(offset, n), y.AsSpan(offset, n));
                var expected = Guarded(n + offset + 2);
                for (int i = 0; i < n; i++)
                {
                    expected[offset + i] = op.Invoke(x[offset + i]);
                }
                AssertSameBits(expected, y, $"{typeof(TOp).Name}, {lanes} floats per step, n = {n}, offset {offset}");
                CheckReference(expected.AsSpan(offset, n), i => reference?.Invoke(x[offset + i]), i => Magnitude(x[offset + i]), typeof(TOp).Name);
                // In place: the destination is the input.
                ElementWise.Unary(op, x.AsSpan(offset, n), x.AsSpan(offset, n));
                AssertSameBits(expected.AsSpan(offset, n).ToArray(), x.AsSpan(offset, n).ToArray(), $"{typeof(TOp).Name} in place, n = {n}");
            }
        }
    }

    private static void CheckBinary<TOp>(TOp op, int lanes, Func<double, double, double>? reference)
        where TOp : unmanaged, IBinaryOperator
    {
        foreach (int n in Lengths())
        {
            foreach (int offset in new[] { 0, 5 })
            {
                float[] x = Inputs(n + offset, (ulong)n), y = Inputs(n + offset, (ulong)n + 1000), d = Guarded(n + offset + 2);
                ElementWise.Binary(op, x.AsSpan(offset, n), y.AsSpan(offset, n), d.AsSpan(offset, n));
                var expected = Guarded(n + offset + 2);
                for (int i = 0; i < n; i++)
                {
                    expected[offset + i] = op.Invoke(x[offset + i], y[offset + i]);
                }
                AssertSameBits(expected, d, $"{typeof(TOp).Name}, {lanes} floats per step, n = {n}, offset {offset}");
                CheckReference(expected.AsSpan(offset, n), i => reference?.Invoke(x[offset + i], y[offset + i]),
                    i => Magnitude(x[offset + i], y[offset + i]), typeof(TOp).Name);
                ElementWise.Binary(op, x.AsSpan(offset, n), y.AsSpan(offset, n), y.AsSpan(offset, n));
                AssertSameBits(expected.AsSpan(offset, n).ToArray(), y.AsSpan(offset, n).ToArray(), $"{typeof(TOp).Name} in place, n = {n}");
            }
        }
    }

    private static void CheckTernary<TOp>(TOp op, int lanes, Func<double, double, double, double>? reference)
        where TOp : unmanaged, ITernaryOperator
    {
        foreach (int n in Lengths())
        {
            foreach (int offset in new[] { 0, 7 })
            {
                float[] x = Inputs(n + offset, (ulong)n), y = Inputs(n + offset, (ulong)n + 1000), z = Inputs(n + offset, (ulong)n + 2000);
                var d = Guarded(n + offset + 2);
                ElementWise.Ternary(op, x.AsSpan(offset, n), y.AsSpan(offset, n), z.AsSpan(offset, n), d.AsSpan(offset, n));
                var expected = Guarded(n + offset + 2);
                for (int i = 0; i < n; i++)
                {
                    expected[offset + i] = op.Invoke(x[offset + i], y[offset + i], z[offset + i]);
                }
                AssertSameBits(expected, d, $"{typeof(TOp).Name}, {lanes} floats per step, n = {n}, offset {offset}");
                CheckReference(expected.AsSpan(offset, n), i => reference?.Invoke(x[offset + i], y[offset + i], z[offset + i]),
                    i => Magnitude(x[offset + i], y[offset + i], z[offset + i]), typeof(TOp).Name);
                ElementWise.Ternary(op, x.AsSpan(offset, n), y.AsSpan(offset, n), z.AsSpan(offset, n), z.AsSpan(offset, n));
                AssertSameBits(expected.AsSpan(offset, n).ToArray(), z.AsSpan(offset, n).ToArray(), $"{typeof(TOp).Name} in place, n = {n}");
            }
        }
    }

    /// <summary>
    /// The driver over arrays starting at an unaligned offset against the scalar body run element by element on a
    /// copy: every array, the elements outside the range included, must come out the same bit for bit.
    /// </summary>
    private static void CheckMultiArray<TOp>(int lanes, int arrayCount, Func<float*[], TOp> build)
        where TOp : unmanaged, IMultiArrayOperator
    {
        foreach (int n in Lengths())
        {
            foreach (int offset in new[] { 0, 3 })
            {
                var viaDriver = new float[arrayCount][];
                var viaScalar = new float[arrayCount][];
                for (int k = 0; k < arrayCount; k++)
                {
                    viaDriver[k] = GC.AllocateArray<float>(n + offset + 2, pinned: true);
                    Inputs(n + offset + 2, (ulong)(n * 10 + k)).CopyTo(viaDriver[k], 0);
                    viaScalar[k] = GC.AllocateArray<float>(n + offset + 2, pinned: true);
                    viaDriver[k].CopyTo(viaScalar[k], 0);
                }
                ElementWise.MultiArray(build(Addresses(viaDriver, offset)), n);
                var scalar = build(Addresses(viaScalar, offset));
                for (int i = 0; i < n; i++)
                {
                    scalar.Invoke(i);
                }
                for (int k = 0; k < arrayCount; k++)
                {
                    AssertSameBits(viaScalar[k], viaDriver[k], $"{typeof(TOp).Name} array {k}, {lanes} floats per step, n = {n}, offset {offset}");
                }
            }
        }
    }

    /// <summary>The addresses of arrays on the pinned heap, each from the given offset.</summary>
    private static float*[] Addresses(float[][] arrays, int offset)
    {
        var addresses = new float*[arrays.Length];
        for (int k = 0; k < arrays.Length; k++)
        {
            addresses[k] = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(arrays[k])) + offset;
        }
        return addresses;
    }

    /// <summary>
    /// The scalar body within a few float roundings of the double reference, where both are finite: 2e-6 of the
    /// largest of 1, the result, the inputs and their products (an intermediate rounded in float can be that large).
    /// </summary>
    private static void CheckReference(ReadOnlySpan<float> actual, Func<int, double?> reference, Func<int, double> magnitude, string name)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            double? expected = reference(i);
            if (expected is not double e || !double.IsFinite(e) || !float.IsFinite(actual[i]))
            {
                continue;
            }
            double tolerance = 2e-6 * Math.Max(Math.Max(1, Math.Abs(e)), magnitude(i));
            Assert.True(Math.Abs(e - actual[i]) <= tolerance, $"{name}: element {i} is {actual[i]:R}, the double reference {e:R}");
        }
    }

    private static double Magnitude(params double[] inputs)
    {
        double largest = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(inputs[i]));
            for (int j = i; j < inputs.Length; j++)
            {
                largest = Math.Max(largest, Math.Abs(inputs[i] * inputs[j]));
            }
        }
        return largest;
    }

    /// <summary>
    /// Values over the series, exp and saturated ranges of tanh, with zeros of both signs, an infinity, a NaN and a
    /// subnormal sprinkled in; the reference check skips the non-finite ones.
    /// </summary>
    private static float[] Inputs(int n, ulong seed)
    {
        var rng = new Rng(seed + 1);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            float u = rng.NextFloat() * 2f - 1f;
            a[i] = (i % 29) switch
            {
                3 => 0f,
                7 => -0f,
                11 => float.PositiveInfinity,
                13 => float.NaN,
                17 => 1e-40f,
                19 => 0.55f,
                _ => u * (i % 5 == 0 ? 1e-3f : i % 3 == 0 ? 9f : 1.5f),
            };
        }
        return a;
    }

    /// <summary>A destination filled with a marker, so writes outside the slice show.</summary>
    private static float[] Guarded(int n)
    {
        var a = new float[n];
        a.AsSpan().Fill(-12345f);
        return a;
    }

    /// <summary>
    /// Bit for bit, except that any NaN matches any NaN: which operand's NaN an addition or product passes on is the
    /// JIT's choice of operand order, in scalar and vector code alike.
    /// </summary>
    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i])
                : BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]);
            if (!same)
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (bit for bit)");
            }
        }
    }

    private static void WithWidth(int lanes, Action action) => WithWidth(lanes, () =>
    {
        action();
        return 0;
    });

    private static T WithWidth<T>(int lanes, Func<T> action)
    {
        var saved = ElementWise.Width;
        try
        {
            ElementWise.Width = (VectorWidth)lanes;
            return action();
        }
        finally
        {
            ElementWise.Width = saved;
        }
    }
}
