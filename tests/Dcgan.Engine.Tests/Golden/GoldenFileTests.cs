// Checks that every golden case file (tests/golden/*.bin, written by make_golden.py) is present, well
// formed, and holds exactly the tensor names and Keras-layout shapes documented in tests/golden/README.md.
using System.Text;

using Dcgan.TestSupport;

namespace Dcgan.Engine.Tests.Golden;

public class GoldenFileTests
{
    private static readonly Dictionary<string, (string Name, int[] Shape)[]> Expected = BuildExpected();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in Expected.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CaseHasExpectedNamesAndShapes(string caseName)
    {
        GoldenFile file = GoldenFile.Load(caseName);
        (string Name, int[] Shape)[] expected = Expected[caseName];
        Assert.Equal(expected.Select(e => e.Name), file.Names);
        foreach ((string name, int[] shape) in expected)
        {
            Assert.True(shape.SequenceEqual(file.Shape(name)),
                $"{caseName}/{name}: shape ({string.Join(",", file.Shape(name))}), expected ({string.Join(",", shape)})");
            float[] data = file.Get(name);
            Assert.Equal(shape.Aggregate(1, (a, b) => a * b), data.Length);
            Assert.All(data, v => Assert.True(float.IsFinite(v), $"{caseName}/{name} has a non-finite value"));
        }
    }

    [Fact]
    public void FolderHoldsExactlyTheKnownCases()
    {
        string[] files = Directory.GetFiles(GoldenFile.Directory, "*.bin")
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), files);
    }

    [Fact]
    public void ModelWeightFormulaReproducesTheScriptsValuesExactly()
    {
        foreach ((string caseName, var specs) in new[] { ("generator", GoldenWeights.Generator), ("discriminator", GoldenWeights.Discriminator),
            ("dcgan_generator", GoldenWeights.DcganGenerator), ("dcgan_discriminator", GoldenWeights.DcganDiscriminator) })
        {
            GoldenFile file = GoldenFile.Load(caseName);
            for (int t = 0; t < specs.Count; t++)
            {
                float[] values = GoldenWeights.Values(t, specs[t].Shape, specs[t].Kind);
                float[] expected = file.Get(specs[t].Name + ".value_sample");
                float[] actual = GoldenWeights.Sample(values);
                for (int j = 0; j < expected.Length; j++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]),
                        $"{specs[t].Name} sample {j}: script {expected[j]:G9}, C# {actual[j]:G9}");
                }
            }
        }
    }

    [Fact]
    public void GlorotLimitsMatchTheTutorialLayers()
    {
        Assert.Equal(0.021784, GoldenWeights.GlorotLimit([100, 12544]), 6);
        Assert.Equal(0.025, GoldenWeights.GlorotLimit([5, 5, 128, 256]), 6);
        Assert.Equal(0.035355, GoldenWeights.GlorotLimit([5, 5, 64, 128]), 6);
        Assert.Equal(0.060764, GoldenWeights.GlorotLimit([5, 5, 1, 64]), 6);
        Assert.Equal(0.030927, GoldenWeights.GlorotLimit([6272, 1]), 6);
    }

    [Fact]
    public void DenseLayoutIsInByOut()
    {
        // y = x @ kernel + bias with kernel (in, out): recomputed here to pin the layout convention.
        GoldenFile file = GoldenFile.Load("dense");
        float[] x = file.Get("x");
        float[] kernel = file.Get("kernel");
        float[] bias = file.Get("bias");
        var y = new float[4 * 3];
        for (int n = 0; n < 4; n++)
        {
            for (int o = 0; o < 3; o++)
            {
                double sum = bias[o];
                for (int i = 0; i < 5; i++)
                {
                    sum += (double)x[n * 5 + i] * kernel[i * 3 + o];
                }
                y[n * 3 + o] = (float)sum;
            }
        }
        GoldenAssert.Close(file.Get("y"), y, 1e-6, 1e-6, "dense y");
    }

    [Theory]
    [InlineData("adam", 1e-3, 0.9)]
    [InlineData("adam_lr1e-4_b05", 1e-4, 0.5)]
    public void AdamStepsFollowTheDocumentedRule(string caseName, double lr, double beta1)
    {
        // The stored hyperparameters are float32 roundings, for information: float32(0.999) would shift
        // 1 - beta2 by 1e-5 relative, so the exact decimal constants are used here.
        const double beta2 = 0.999;
        const double eps = 1e-7;
        GoldenFile file = GoldenFile.Load(caseName);
        Assert.Equal((float)lr, file.Scalar("lr"));
        Assert.Equal((float)beta1, file.Scalar("beta1"));
        Assert.Equal((float)beta2, file.Scalar("beta2"));
        Assert.Equal((float)eps, file.Scalar("epsilon"));
        double[] theta = file.Get("param").Select(v => (double)v).ToArray();
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        for (int step = 0; step < 3; step++)
        {
            float[] g = file.Get($"g{step + 1}");
            int t = step + 1;
            double alpha = lr * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t));
            for (int i = 0; i < theta.Length; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - beta1);
                v[i] += ((double)g[i] * g[i] - v[i]) * (1 - beta2);
                theta[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
            }
            GoldenAssert.Close(file.Get($"p{t}"), theta.Select(d => (float)d).ToArray(), 1e-6, 1e-6, $"{caseName} p{t}");
        }
        GoldenAssert.Close(file.Get("m3"), m.Select(d => (float)d).ToArray(), 1e-5, 1e-7, "m3");
        GoldenAssert.Close(file.Get("v3"), v.Select(d => (float)d).ToArray(), 1e-5, 1e-9, "v3");
    }

    [Fact]
    public void ParseReadsScalarsAndTensors()
    {
        byte[] bytes = Build(w =>
        {
            w.Write(2);
            Tensor(w, "s", [], [2.5f]);
            Tensor(w, "m", [2, 3], [1, 2, 3, 4, 5, 6]);
        });
        GoldenFile file = GoldenFile.Parse(bytes, "inline");
        Assert.Equal(["s", "m"], file.Names);
        Assert.Equal(2.5f, file.Scalar("s"));
        Assert.Empty(file.Shape("s"));
        Assert.Equal([2, 3], file.Shape("m"));
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.Get("m"));
        Assert.True(file.Has("m"));
        Assert.False(file.Has("q"));
        Assert.Throws<KeyNotFoundException>(() => file.Get("q"));
        Assert.Throws<InvalidOperationException>(() => file.Scalar("m"));
    }

    [Fact]
    public void ParseRejectsMalformedFiles()
    {
        byte[] good = Build(w =>
        {
            w.Write(1);
            Tensor(w, "x", [2], [1, 2]);
        });
        GoldenFile.Parse(good, "good");

        byte[] badMagic = (byte[])good.Clone();
        badMagic[3] = (byte)'2';
        Assert.Throws<InvalidDataException>(() => GoldenFile.Parse(badMagic, "magic"));
        Assert.Throws<InvalidDataException>(() => GoldenFile.Parse(good.AsSpan(0, good.Length - 1), "truncated"));
        Assert.Throws<InvalidDataException>(() => GoldenFile.Parse([.. good, 0], "trailing"));
        Assert.Throws<InvalidDataException>(() => GoldenFile.Parse([], "empty"));
        byte[] duplicate = Build(w =>
        {
            w.Write(2);
            Tensor(w, "x", [1], [1]);
            Tensor(w, "x", [1], [2]);
        });
        Assert.Throws<InvalidDataException>(() => GoldenFile.Parse(duplicate, "duplicate"));
        byte[] negative = Build(w =>
        {
            w.Write(1);
            Tensor(w, "x", [-1], []);
        });
        Assert.Throws<InvalidDataException>(() => GoldenFile.Parse(negative, "negative"));
    }

    [Fact]
    public void MissingCaseThrows()
    {
        Assert.Throws<FileNotFoundException>(() => GoldenFile.Load("no_such_case"));
    }

    [Fact]
    public void CloseReportsTheFirstMismatch()
    {
        GoldenAssert.Close([1f, 2f, 3f], [1f, 2.0001f, 3f], 1e-4, 0, "near");
        var error = Assert.ThrowsAny<Exception>(() => GoldenAssert.Close([1f, 2f, 3f, 4f], [1f, 2f, 3.1f, 5f], what: "far"));
        Assert.Contains("far", error.Message);
        Assert.Contains("first at [2]", error.Message);
        Assert.Contains("worst at [3]", error.Message);
        Assert.ThrowsAny<Exception>(() => GoldenAssert.Close([1f], [float.NaN]));
        Assert.ThrowsAny<Exception>(() => GoldenAssert.Close([1f], [1f, 2f]));
    }

    private static byte[] Build(Action<BinaryWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("DCG1"u8);
            body(writer);
        }
        return stream.ToArray();
    }

    private static void Tensor(BinaryWriter writer, string name, int[] shape, float[] data)
    {
        byte[] encoded = Encoding.UTF8.GetBytes(name);
        writer.Write(encoded.Length);
        writer.Write(encoded);
        writer.Write(shape.Length);
        foreach (int d in shape)
        {
            writer.Write(d);
        }
        foreach (float v in data)
        {
            writer.Write(v);
        }
    }

    private static Dictionary<string, (string Name, int[] Shape)[]> BuildExpected()
    {
        var cases = new Dictionary<string, (string Name, int[] Shape)[]>(StringComparer.Ordinal)
        {
            ["dense"] = [("x", [4, 5]), ("kernel", [5, 3]), ("bias", [3]), ("y", [4, 3]), ("dy", [4, 3]),
                ("dx", [4, 5]), ("dkernel", [5, 3]), ("dbias", [3])],
            ["dense_nobias"] = [("x", [4, 5]), ("kernel", [5, 3]), ("y", [4, 3]), ("dy", [4, 3]),
                ("dx", [4, 5]), ("dkernel", [5, 3])],
            ["conv2d_same_k5s2_8"] = Conv([2, 8, 8, 2], [5, 5, 2, 3], [2, 4, 4, 3], 3),
            ["conv2d_same_k5s2_9"] = Conv([2, 9, 9, 2], [5, 5, 2, 3], [2, 5, 5, 3], 3),
            ["conv2d_same_k3s1"] = Conv([2, 6, 5, 3], [3, 3, 3, 4], [2, 6, 5, 4], 4),
            ["conv2d_valid_k3s2"] = Conv([2, 7, 7, 2], [3, 3, 2, 3], [2, 3, 3, 3], 3),
            ["conv2d_same_k5s2_28"] = Conv([2, 28, 28, 1], [5, 5, 1, 4], [2, 14, 14, 4], 4),
            ["conv2dT_same_k5s1"] = Conv([2, 7, 7, 3], [5, 5, 2, 3], [2, 7, 7, 2], 2),
            ["conv2dT_same_k5s2"] = Conv([2, 4, 4, 3], [5, 5, 2, 3], [2, 8, 8, 2], 2),
            ["conv2dT_same_k5s2_7to14"] = Conv([2, 7, 7, 4], [5, 5, 3, 4], [2, 14, 14, 3], 3),
            ["conv2dT_same_k4s2"] = Conv([2, 5, 5, 2], [4, 4, 3, 2], [2, 10, 10, 3], 3),
            ["conv2dT_valid_k3s2"] = Conv([2, 4, 4, 2], [3, 3, 3, 2], [2, 9, 9, 3], 3),
            ["bn_train_2d"] = BatchNorm([6, 5], training: true),
            ["bn_train_4d"] = BatchNorm([3, 4, 4, 5], training: true),
            ["bn_infer_4d"] = BatchNorm([3, 4, 4, 5], training: false),
            ["conv2d_same_k4s2_rgb"] = Conv([2, 8, 8, 3], [4, 4, 3, 5], [2, 4, 4, 5], 5),
            ["conv2d_same_k4s2_gray"] = Conv([2, 16, 16, 1], [4, 4, 1, 4], [2, 8, 8, 4], 4),
            ["conv2d_valid_k4s1"] = Conv([2, 4, 4, 6], [4, 4, 6, 2], [2, 1, 1, 2], 2),
            ["conv2dT_same_k4s2_rgb"] = Conv([2, 4, 4, 5], [4, 4, 3, 5], [2, 8, 8, 3], 3),
            ["conv2dT_same_k4s2_gray"] = Conv([2, 8, 8, 4], [4, 4, 1, 4], [2, 16, 16, 1], 1),
            ["bn_torch_train_4d"] = BatchNorm([3, 4, 4, 5], training: true, keras3Variance: false),
            ["bn_torch_train_2d"] = BatchNorm([6, 5], training: true, keras3Variance: false),
            ["bn_torch_infer_4d"] = BatchNorm([3, 4, 4, 5], training: false),
            ["bce_logits"] = [("logits", [7, 1]), ("loss_ones", []), ("loss_zeros", []),
                ("dlogits_ones", [7, 1]), ("dlogits_zeros", [7, 1])],
            ["bce_probs"] = [("p", [7, 1]), ("loss_ones", []), ("loss_zeros", []),
                ("dp_ones", [7, 1]), ("dp_zeros", [7, 1])],
        };
        foreach (string act in new[] { "act_leaky_relu", "act_relu", "act_tanh", "act_sigmoid" })
        {
            cases[act] = [("x", [3, 7]), ("y", [3, 7]), ("dy", [3, 7]), ("dx", [3, 7])];
        }
        foreach (string adam in new[] { "adam", "adam_lr1e-4_b05" })
        {
            cases[adam] = [("param", [10]), ("g1", [10]), ("g2", [10]), ("g3", [10]), ("p1", [10]), ("p2", [10]),
                ("p3", [10]), ("m3", [10]), ("v3", [10]), ("lr", []), ("beta1", []), ("beta2", []), ("epsilon", [])];
        }

        var generator = new List<(string, int[])> { ("x", [4, 100]), ("y", [4, 28, 28, 1]), ("dy", [4, 28, 28, 1]), ("dx", [4, 100]) };
        generator.AddRange(GoldenWeights.Generator.SelectMany(p => Summaries(p.Name)));
        foreach (string bn in new[] { "g.bn0", "g.bn1", "g.bn2" })
        {
            generator.Add((bn + ".new_moving_mean.sample", [64]));
            generator.Add((bn + ".new_moving_variance.sample", [64]));
        }
        cases["generator"] = [.. generator];

        var discriminator = new List<(string, int[])> { ("x", [4, 28, 28, 1]), ("y", [4, 1]), ("dy", [4, 1]), ("dx", [4, 28, 28, 1]) };
        discriminator.AddRange(GoldenWeights.Discriminator.SelectMany(p => Summaries(p.Name)));
        cases["discriminator"] = [.. discriminator];

        foreach ((string name, int[] realSizes) in new[] { ("train_steps", new[] { 4, 4, 4 }), ("train_steps_short", [4, 3, 4]), ("train_steps_sigmoid", [4, 4, 4]), ("train_step_one", [4]) })
        {
            var steps = new List<(string, int[])>();
            for (int k = 1; k <= realSizes.Length; k++)
            {
                steps.AddRange([($"noise{k}", [4, 100]), ($"real{k}", [realSizes[k - 1], 28, 28, 1]), ($"gen_loss{k}", []),
                    ($"disc_loss{k}", []), ($"real_prob{k}", [realSizes[k - 1], 1]), ($"fake_prob{k}", [4, 1])]);
            }
            foreach (var p in GoldenWeights.Generator.Concat(GoldenWeights.Discriminator))
            {
                steps.AddRange(StepSummaries(p.Name));
            }
            foreach (string bn in new[] { "g.bn0", "g.bn1", "g.bn2" })
            {
                steps.AddRange([(bn + ".moving_mean.sample", [64]), (bn + ".moving_variance.sample", [64])]);
            }
            cases[name] = [.. steps];
        }

        var dcganGenerator = new List<(string, int[])> { ("x", [4, 100]), ("y", [4, 64, 64, 3]), ("dy", [4, 64, 64, 3]), ("dx", [4, 100]) };
        dcganGenerator.AddRange(GoldenWeights.DcganGenerator.SelectMany(p => Summaries(p.Name)));
        dcganGenerator.AddRange(MovingSamples(GoldenWeights.DcganGeneratorNorms, ".new_"));
        cases["dcgan_generator"] = [.. dcganGenerator];

        var dcganDiscriminator = new List<(string, int[])> { ("x", [4, 64, 64, 3]), ("y", [4, 1]), ("dy", [4, 1]), ("dx", [4, 64, 64, 3]) };
        dcganDiscriminator.AddRange(GoldenWeights.DcganDiscriminator.SelectMany(p => Summaries(p.Name)));
        dcganDiscriminator.AddRange(MovingSamples(GoldenWeights.DcganDiscriminatorNorms, ".new_"));
        cases["dcgan_discriminator"] = [.. dcganDiscriminator];

        var dcganStep = new List<(string, int[])>
        {
            ("noise1", [4, 100]), ("real1", [4, 64, 64, 3]), ("gen_loss1", []), ("disc_loss1", []), ("real_prob1", [4, 1]), ("fake_prob1", [4, 1]),
        };
        foreach (var p in GoldenWeights.DcganGenerator.Concat(GoldenWeights.DcganDiscriminator))
        {
            dcganStep.AddRange(StepSummaries(p.Name));
        }
        dcganStep.AddRange(MovingSamples(GoldenWeights.DcganGeneratorNorms, "."));
        dcganStep.AddRange(MovingSamples(GoldenWeights.DcganDiscriminatorNorms, "."));
        cases["dcgan_train_step_one"] = [.. dcganStep];
        return cases;
    }

    private static (string, int[])[] Conv(int[] x, int[] kernel, int[] y, int outChannels) =>
        [("x", x), ("kernel", kernel), ("bias", [outChannels]), ("y", y), ("dy", y),
         ("dx", x), ("dkernel", kernel), ("dbias", [outChannels])];

    private static (string, int[])[] BatchNorm(int[] x, bool training, bool keras3Variance = true)
    {
        int[] c = [x[^1]];
        var names = new List<(string, int[])>
        {
            ("x", x), ("gamma", c), ("beta", c), ("moving_mean", c), ("moving_variance", c),
            ("y", x), ("dy", x), ("dx", x), ("dgamma", c), ("dbeta", c),
        };
        if (training)
        {
            names.AddRange([("batch_mean", c), ("batch_variance", c), ("new_moving_mean", c), ("new_moving_variance", c)]);
            if (keras3Variance)
            {
                names.Add(("new_moving_variance_k3", c));
            }
        }
        return [.. names];
    }

    private static (string, int[])[] StepSummaries(string name) =>
        [(name + ".delta.sum", []), (name + ".delta.abs_sum", []), (name + ".delta.sample", [64]),
         (name + ".m.sum", []), (name + ".m.abs_sum", []), (name + ".m.sample", [64]),
         (name + ".v.sum", []), (name + ".v.sample", [64])];

    private static IEnumerable<(string, int[])> MovingSamples(IReadOnlyList<string> norms, string infix) =>
        norms.SelectMany(bn => new (string, int[])[] { ($"{bn}{infix}moving_mean.sample", [64]), ($"{bn}{infix}moving_variance.sample", [64]) });

    private static (string, int[])[] Summaries(string name) =>
        [(name + ".sum", []), (name + ".abs_sum", []), (name + ".sample", [64]), (name + ".value_sample", [64])];
}
