// Test helper: the metrics computed a second, independent way, by numpy in float64 under /usr/bin/python3 (Debian's
// python3-numpy), from direct pairwise differences rather than the Gram-matrix route the product takes.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Dcgan.Quality.Tests;

public static class NumpyReference
{
    private const string Python = "/usr/bin/python3";

    // Inputs: x (nx x d), y (ny x d), held-out h (nh x d, its rows' indices among x in hself, -1 for none), k.
    // x plays the real / training set, y the generated one.
    private const string Script = """
        import sys, json
        import numpy as np
        folder, d, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
        load = lambda name: np.fromfile(f"{folder}/{name}.f32", dtype="<f4").astype(np.float64).reshape(-1, d)
        x, y, h = load("x"), load("y"), load("h")
        hself = np.fromfile(f"{folder}/hself.i32", dtype="<i4")
        def dist(a, b):
            return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))
        def kern(a, b):
            return (a @ b.T / d + 1) ** 3
        m, n = len(x), len(y)
        kxx, kyy, kxy = kern(x, x), kern(y, y), kern(x, y)
        mmd2 = (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean()
        def radii(a):
            return np.partition(dist(a, a), k, axis=1)[:, k]
        precision = float((dist(y, x) <= radii(x)[None, :]).any(axis=1).mean())
        recall = float((dist(x, y) <= radii(y)[None, :]).any(axis=1).mean())
        xx = dist(x, x)
        np.fill_diagonal(xx, np.inf)
        typical = float(np.median(xx.min(axis=1)))
        yx = dist(y, x)
        hx = dist(h, x)
        for i, s in enumerate(hself):
            if s >= 0:
                hx[i, s] = np.inf
        print(json.dumps({
            "mmd2": float(mmd2), "precision": precision, "recall": recall, "typical": typical,
            "sample_share": float((yx.min(axis=1) < typical).mean()),
            "sample_nearest": yx.argmin(axis=1).tolist(), "sample_distance": yx.min(axis=1).tolist(),
            "held_out_share": float((hx.min(axis=1) < typical).mean()),
            "held_out_distance": hx.min(axis=1).tolist()}))
        """;

    public static bool Available => File.Exists(Python) && Run("-c", "import numpy").Exit == 0;

    /// <summary>The reference figures for the sets (row-major float vectors of <paramref name="d"/> values).</summary>
    public static JsonElement Compute(float[] x, float[] y, float[] heldOut, int[] heldOutSelf, int d, int k)
    {
        var folder = Directory.CreateTempSubdirectory("dcgan-numpy-");
        try
        {
            void Write(string name, ReadOnlySpan<byte> bytes) => File.WriteAllBytes(Path.Combine(folder.FullName, name), bytes.ToArray());
            Write("x.f32", System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()));
            Write("y.f32", System.Runtime.InteropServices.MemoryMarshal.AsBytes(y.AsSpan()));
            Write("h.f32", System.Runtime.InteropServices.MemoryMarshal.AsBytes(heldOut.AsSpan()));
            Write("hself.i32", System.Runtime.InteropServices.MemoryMarshal.AsBytes(heldOutSelf.AsSpan()));
            var (exit, output, error) = Run("-c", Script, folder.FullName, d.ToString(CultureInfo.InvariantCulture), k.ToString(CultureInfo.InvariantCulture));
            if (exit != 0)
            {
                throw new InvalidOperationException($"numpy reference failed: {error}");
            }
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
