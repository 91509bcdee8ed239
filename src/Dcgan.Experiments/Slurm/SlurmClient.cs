// The Slurm command-line clients an experiment uses: `sbatch --parsable` to submit its array and `squeue` for the
// states of its tasks. Each is found on PATH and run with a time limit, its output captured; failures become one line.
namespace Dcgan.Experiments.Slurm;

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

/// <summary>Calls sbatch and squeue.</summary>
public static class SlurmClient
{
    /// <summary>The full path of <paramref name="tool"/> on PATH, or null when it is not installed.</summary>
    public static string? Find(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string path = Path.Combine(dir, tool);
            if (File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return path;
            }
        }
        return null;
    }

    /// <summary>Submits a batch script with <c>sbatch --parsable</c>; returns the job id.</summary>
    /// <exception cref="SlurmException">sbatch is missing, failed, or printed no job id.</exception>
    public static string Submit(string script)
    {
        var (exit, stdout, stderr) = Run("sbatch", ["--parsable", script], TimeSpan.FromMinutes(2));
        if (exit != 0)
        {
            throw new SlurmException($"sbatch failed (exit code {exit}): {LastLine(stderr) ?? LastLine(stdout) ?? "no message"}");
        }
        // --parsable prints "jobid" or "jobid;cluster".
        string id = (LastLine(stdout) ?? "").Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new SlurmException($"sbatch printed no job id: '{LastLine(stdout) ?? ""}'");
        }
        return id;
    }

    /// <summary>
    /// The states of an array job's tasks that Slurm still lists (e.g. 3 -> RUNNING), by task index; a task missing from
    /// the answer has ended long ago. Null when squeue is not installed or does not answer.
    /// </summary>
    public static IReadOnlyDictionary<int, string>? TaskStates(string jobId)
    {
        if (Find("squeue") is null)
        {
            return null;
        }
        int exit;
        string stdout, stderr;
        try
        {
            (exit, stdout, stderr) = Run("squeue", ["--noheader", "--array", "--states=all", "--jobs=" + jobId, "--format=%i %T"], TimeSpan.FromSeconds(30));
        }
        catch (SlurmException)
        {
            return null;
        }
        var states = new Dictionary<int, string>();
        if (exit != 0)
        {
            // A job the controller has already forgotten: every task ended.
            return stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase) ? states : null;
        }
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int underscore = parts[0].IndexOf('_', StringComparison.Ordinal);
            if (parts.Length == 2 && underscore > 0 && parts[0][..underscore] == jobId
                && int.TryParse(parts[0].AsSpan(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                states[index] = parts[1];
            }
        }
        return states;
    }

    private static (int Exit, string Stdout, string Stderr) Run(string tool, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        string path = Find(tool) ?? throw new SlurmException($"{tool} is not installed (not found on PATH)");
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new SlurmException($"{tool} could not be started");
        }
        catch (Win32Exception e)
        {
            throw new SlurmException($"{tool} could not be started: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Close();
            // Both streams at once: a client blocked on a full stderr pipe would never exit.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new SlurmException($"{tool} gave no answer within {timeout.TotalSeconds:0} seconds (is the Slurm controller up?)");
            }
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
