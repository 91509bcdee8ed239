// Fuzzing the checkpoint reader: thousands of damaged files (random flips, truncations, extensions) and crafted ones
// (edited header fields, lengths, arrays and header text, sealed again with a fresh SHA-256). Each must be refused
// with a CheckpointException, or read fine when the edit left a valid checkpoint; never another exception, never a hang.
namespace Dcgan.Training.Tests;

using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Dcgan.Kernels;
using Dcgan.Models;
using Dcgan.TestSupport;

public sealed class CheckpointFuzzTests(TrainedCheckpoint trained) : IClassFixture<TrainedCheckpoint>, IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>What a fuzz run saw.</summary>
    private sealed record Tally(int Refused, int Harmless, double SlowestMs, string Slowest);

    [Fact]
    public void ThousandsOfMutationsOfASmallCheckpointAreRefusedOrHarmless()
    {
        // The trained run's config and state with small arrays: the reader checks the arrays against the header and
        // the file, not against a model, so a small file exercises all of it quickly.
        var (config, state) = Checkpoint.ReadHeader(WriteTrained());
        var rng = new Random(20240601);
        int[] lengths = [40, 24, 40, 40, 24, 24];
        float[][] arrays = lengths.Select((n, i) => Enumerable.Range(0, n).Select(_ => i is 3 or 5 ? (float)rng.NextDouble() : (float)(rng.NextDouble() - 0.5)).ToArray()).ToArray();
        string basePath = _temp.File("small.dcgan");
        Checkpoint.Save(basePath, config, state, arrays);
        byte[] original = File.ReadAllBytes(basePath);
        Assert.Equal(2, Checkpoint.ReadHeader(basePath).State.CompletedEpochs);

        const int count = 1500;
        var tally = Fuzz(original, count, seed: 1, structuralOnly: false, path => Checkpoint.ReadHeader(path));
        Console.WriteLine($"small checkpoint: {tally.Refused} refused, {tally.Harmless} harmless; slowest {tally.SlowestMs:0.0} ms ({tally.Slowest})");
        Assert.Equal(count, tally.Refused + tally.Harmless);
        Assert.True(tally.Refused > count * 3 / 4, $"only {tally.Refused} refused");
        Assert.True(tally.Harmless > 0, "no mutation was harmless: the fuzzer only broke the seal?");
        Assert.True(tally.SlowestMs < 1000, $"{tally.Slowest} took {tally.SlowestMs:0} ms");
    }

    [Fact]
    public void CraftedTrainedCheckpointsNeverEscapeAsAnotherException()
    {
        // The real thing, through every reader: resume (header, then a model built from its config, then Load) and
        // drawing (Sampler). Fewer mutations: each one seals and reads 30 MB again.
        const int count = 20;
        byte[] original = File.ReadAllBytes(WriteTrained());
        var tally = Fuzz(original, count, seed: 2, structuralOnly: true, path =>
        {
            var (config, _) = Checkpoint.ReadHeader(path);
            Checkpoint.Load(path, new GanPair(config.ModelOptions()));
            Sampler.Open(path).Draw(2, seed: 1);
        });
        Console.WriteLine($"trained checkpoint: {tally.Refused} refused, {tally.Harmless} harmless; slowest {tally.SlowestMs:0.0} ms ({tally.Slowest})");
        Assert.Equal(count, tally.Refused + tally.Harmless);
        Assert.True(tally.Refused > count / 2, $"only {tally.Refused} refused");
    }

    private string WriteTrained()
    {
        string path = _temp.File("trained.dcgan");
        File.WriteAllBytes(path, trained.Bytes);
        return path;
    }

    /// <summary>
    /// Runs <paramref name="count"/> mutations of <paramref name="original"/> through <paramref name="read"/> on a thread of
    /// its own, so a hang fails the test (naming the mutation) instead of stalling it.
    /// </summary>
    private Tally Fuzz(byte[] original, int count, int seed, bool structuralOnly, Action<string> read)
    {
        string path = _temp.File($"fuzz-{seed}.dcgan");
        var rng = new Random(seed);
        int refused = 0, harmless = 0;
        double slowest = 0;
        string slowestName = "", current = "";
        Exception? escaped = null;
        var worker = new Thread(() =>
        {
            for (int i = 0; i < count && escaped is null; i++)
            {
                var (bytes, name) = Mutate(original, rng, structuralOnly);
                current = $"mutation {i}: {name}";
                File.WriteAllBytes(path, bytes);
                long start = Stopwatch.GetTimestamp();
                try
                {
                    read(path);
                    harmless++;
                }
                catch (CheckpointException e)
                {
                    Assert.DoesNotContain('\n', e.Message);
                    refused++;
                }
                catch (Exception e)
                {
                    escaped = new Xunit.Sdk.XunitException($"{current} escaped as {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (ms > slowest)
                {
                    (slowest, slowestName) = (ms, current);
                }
            }
        }, 64 << 20);
        worker.Start();
        Assert.True(worker.Join(TimeSpan.FromMinutes(3)), $"hung in {current}");
        if (escaped is not null)
        {
            throw escaped;
        }
        return new Tally(refused, harmless, slowest, slowestName);
    }

    private static (byte[] Bytes, string Name) Mutate(byte[] original, Random rng, bool structuralOnly)
    {
        int kind = structuralOnly ? 4 + rng.Next(5) : rng.Next(9);
        byte[] bytes = (byte[])original.Clone();
        switch (kind)
        {
            case 0:
            {
                int flips = 1 + rng.Next(4);
                for (int i = 0; i < flips; i++)
                {
                    bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                }
                return (bytes, $"{flips} bit flips");
            }
            case 1:
            {
                int keep = rng.Next(bytes.Length);
                return (bytes[..keep], $"cut to {keep} bytes");
            }
            case 2:
            {
                var extra = new byte[1 + rng.Next(4096)];
                rng.NextBytes(extra);
                return ([.. bytes, .. extra], $"{extra.Length} bytes appended");
            }
            case 3:
            {
                // Damage anywhere, sealed again: a crafted file the seal cannot catch.
                int flips = 1 + rng.Next(4);
                for (int i = 0; i < flips; i++)
                {
                    bytes[rng.Next(bytes.Length - 32)] = (byte)rng.Next(256);
                }
                return (CheckpointBytes.Reseal(bytes), $"{flips} bytes changed, sealed again");
            }
            case 4:
                return HeaderEdit(original, rng);
            case 5:
            {
                var parts = CheckpointBytes.Parse(original);
                uint[] lengths = [0, 1, 2, (uint)rng.Next(), uint.MaxValue, uint.MaxValue - 31, (uint)(original.Length - 48), (uint)(original.Length - 47)];
                uint length = lengths[rng.Next(lengths.Length)] + (uint)(rng.Next(3) - 1);
                return (parts.ToFile(headerLength: length), $"header length field {length}, sealed again");
            }
            case 6:
            {
                var parts = CheckpointBytes.Parse(original);
                int lengthCount = parts.Header["Lengths"]!.AsArray().Count;
                int array = rng.Next(lengthCount);
                int start = parts.ArrayStart(array);
                int n = (int)BitConverter.ToUInt32(parts.Arrays, start - 4);
                if (n == 0)
                {
                    return (parts.ToFile(), "nothing changed");
                }
                float[] values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1f, float.MaxValue, -0f, 1e-45f];
                float value = values[rng.Next(values.Length)];
                int index = rng.Next(n);
                BitConverter.TryWriteBytes(parts.Arrays.AsSpan(start + (4 * index)), value);
                return (parts.ToFile(), $"array {array} value {index} = {value}, sealed again");
            }
            case 7:
            {
                var parts = CheckpointBytes.Parse(original);
                int array = rng.Next(parts.Header["Lengths"]!.AsArray().Count);
                int prefix = parts.ArrayStart(array) - 4;
                uint stored = BitConverter.ToUInt32(parts.Arrays, prefix);
                uint[] choices = [0, stored + 1, stored - 1, uint.MaxValue, (uint)int.MaxValue + 1, (uint)rng.Next()];
                uint length = choices[rng.Next(choices.Length)];
                BitConverter.TryWriteBytes(parts.Arrays.AsSpan(prefix), length);
                return (parts.ToFile(), $"array {array} length prefix {length}, sealed again");
            }
            default:
            {
                // The header's text itself: garbage, cut JSON, deep nesting, sealed again with a matching length field.
                var parts = CheckpointBytes.Parse(original);
                string text = parts.Header.ToJsonString();
                int at = rng.Next(text.Length);
                string[] inserts = ["", "\"", "{", "]", ",", "null", new string('[', 200), "\u0000", "\\u0000", "9999999999999999999999", "-", "\u00e9"];
                string insert = inserts[rng.Next(inserts.Length)];
                int remove = rng.Next(Math.Min(8, text.Length - at));
                string edited = text[..at] + insert + text[(at + remove)..];
                return (parts.ToFile(edited), $"header text: {remove} chars at {at} replaced by '{(insert.Length > 10 ? insert[..10] + "..." : insert)}', sealed again");
            }
        }
    }

    /// <summary>One node of the JSON header changed (a value replaced, a key or element removed, an array emptied or grown).</summary>
    private static (byte[] Bytes, string Name) HeaderEdit(byte[] original, Random rng)
    {
        var parts = CheckpointBytes.Parse(original);
        var nodes = new List<(JsonNode? Parent, string Path, JsonNode? Node, object Key)>();
        void Walk(JsonNode? parent, object key, JsonNode? node, string path)
        {
            nodes.Add((parent, path, node, key));
            if (node is JsonObject o)
            {
                foreach (var (k, v) in o.ToList())
                {
                    Walk(o, k, v, path + "." + k);
                }
            }
            else if (node is JsonArray a)
            {
                // Long arrays (step losses) get a few representatives.
                for (int i = 0; i < a.Count; i += Math.Max(1, a.Count / 8))
                {
                    Walk(a, i, a[i], $"{path}[{i}]");
                }
            }
        }
        Walk(null, "", parts.Header, "header");
        var (parentNode, where, target, keyObject) = nodes[1 + rng.Next(nodes.Count - 1)];
        JsonNode?[] replacements =
        [
            null, 0, -1, 1, 2, 3, int.MaxValue, int.MinValue, long.MaxValue, 1e300, -1e300, 0.5, 1e-300,
            "", "x", "normal", "sigmoid", "dcgan", "projection-cbn", true, false, new JsonArray(), new JsonObject(),
            new JsonArray(0, 0, 0, 0, 0, 0), new JsonArray(1, 0, 0, 0, 2, 4294967295L),
        ];
        int action = rng.Next(10);
        string what;
        if (action == 0 && parentNode is JsonObject po && keyObject is string key)
        {
            po.Remove(key);
            what = "removed";
        }
        else if (action == 1 && parentNode is JsonArray pa && keyObject is int index)
        {
            pa.RemoveAt(index);
            what = "removed";
        }
        else if (action == 2 && target is JsonArray array)
        {
            if (array.Count > 0 && rng.Next(2) == 0)
            {
                array.Add(array[^1]!.DeepClone());
                what = "last element repeated";
            }
            else
            {
                array.Clear();
                what = "emptied";
            }
        }
        else
        {
            var replacement = replacements[rng.Next(replacements.Length)]?.DeepClone();
            if (parentNode is JsonObject o && keyObject is string k)
            {
                o[k] = replacement;
            }
            else if (parentNode is JsonArray a && keyObject is int i)
            {
                a[i] = replacement;
            }
            what = $"= {replacement?.ToJsonString() ?? "null"}";
        }
        return (parts.ToFile(), $"{where} {what}, sealed again");
    }
}
