// Runs Debian's python3-onnx (/usr/bin/python3) over exported files: onnx.checker.check_model with full_check (the
// specification's rules and strict shape inference), then reports what the file declares as JSON.
namespace Dcgan.Export.Tests;

using System.Diagnostics;
using System.Text.Json;

/// <summary>The ONNX project's own checker, as a test oracle independent of this program and of ONNX Runtime.</summary>
public static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys, json, onnx
        def dims(v):
            return [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
        report = []
        for path in sys.argv[1:]:
            model = onnx.load(path)
            onnx.checker.check_model(model, full_check=True)
            g = model.graph
            report.append({
                'path': path, 'ir_version': model.ir_version,
                'opsets': {o.domain: o.version for o in model.opset_import},
                'inputs': {i.name: {'type': i.type.tensor_type.elem_type, 'dims': dims(i)} for i in g.input},
                'outputs': {o.name: {'type': o.type.tensor_type.elem_type, 'dims': dims(o)} for o in g.output},
                'ops': sorted({n.op_type for n in g.node}),
                'metadata': {p.key: p.value for p in model.metadata_props},
                'doc': model.doc_string})
        print(json.dumps(report))
        """;

    /// <summary>Why the checker cannot run here (no python3, or no onnx module), or null when it can.</summary>
    public static string? Missing { get; } = Probe();

    /// <summary>Checks every file; throws with the checker's message when one fails. Returns what each declares.</summary>
    public static JsonElement[] Check(params string[] paths)
    {
        var (exit, stdout, stderr) = Run(["-c", Script, .. paths]);
        Assert.True(exit == 0, $"onnx.checker rejected an exported file:\n{stderr}");
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is missing (apt-get install python3-onnx)";
        }
        var (exit, _, stderr) = Run(["-c", "import onnx"]);
        return exit == 0 ? null : $"python3-onnx is missing (apt-get install python3-onnx): {stderr.Trim()}";
    }

    private static (int Exit, string Out, string Err) Run(string[] args)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
        // Read stderr concurrently so a chatty failure cannot deadlock on a full pipe.
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
