// The built `dcgan` as a real child process (dcgan.dll sits next to every test assembly that references the CLI), for
// tests of what only a process shows: signals, locks between processes, what reaches the real stdout and stderr.
namespace Dcgan.TestSupport;

using System.Diagnostics;

public static class CliProcess
{
    /// <summary>Starts dcgan; its stdout and stderr lines are collected as they come.</summary>
    public static (Process Process, List<string> Lines) Start(IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = Info(args, env);
        var lines = new List<string>();
        var p = new Process { StartInfo = info };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { lines.Add(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { lines.Add(e.Data); } } };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return (p, lines);
    }

    /// <summary>Runs dcgan to its end: exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(args, env: null);

    /// <summary>Runs dcgan to its end with these environment variables added: exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(IEnumerable<string> args, IDictionary<string, string>? env)
    {
        using var p = Process.Start(Info(args, env))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(300_000), $"dcgan {string.Join(' ', args)} did not finish");
        p.WaitForExit();
        return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Waits until a collected line starts with <paramref name="prefix"/>; false when the time or the process ran out.</summary>
    public static bool WaitForLine(Process process, List<string> lines, string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            lock (lines)
            {
                if (lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    return true;
                }
            }
            if (process.HasExited)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>How to start dcgan with these arguments, and these environment variables added to this process's.</summary>
    private static ProcessStartInfo Info(IEnumerable<string> args, IDictionary<string, string>? env)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dcgan.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }
        return info;
    }
}
