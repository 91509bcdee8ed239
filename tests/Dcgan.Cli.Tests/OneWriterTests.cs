// One writer per run folder, with real processes: while one `dcgan train` writes a run, a second `train` or
// `train --resume` on it stops with one line naming the first one's pid (exit 2) and changes nothing; serve, generate
// and evaluate keep working; and once the writer is killed with SIGKILL, the lock is gone with it.
namespace Dcgan.Cli.Tests;

using System.Globalization;
using System.Text.RegularExpressions;
using Dcgan.TestSupport;
using Dcgan.Training;

public sealed partial class OneWriterTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] Args(string dir, int epochs) =>
    [
        "train", "--dataset", "synthetic", "--limit", "16", "--batch-size", "8", "--epochs", epochs.ToString(CultureInfo.InvariantCulture),
        "--checkpoint-every", "1", "--samples", "1", "--seed", "7", "--threads", "1", "--out", dir,
    ];

    [Fact]
    public async Task ASecondWriterIsRefusedWhileReadersKeepWorking()
    {
        string dir = Path.Combine(_temp.Root, "run");
        var setup = CliRunner.Run(Args(dir, 1));
        Assert.True(setup.Exit == 0, setup.Err);

        // The writer stalls inside its next checkpoint write (the kill tests' hook), so the folder holds still.
        var env = new Dictionary<string, string> { ["DCGAN_FAULT_CHECKPOINT_PAUSE_MS"] = "120000" };
        var (writer, lines) = CliProcess.Start([.. Args(dir, 50), "--resume"], env);
        try
        {
            Assert.True(CliProcess.WaitForLine(writer, lines, "checkpoint write paused", TimeSpan.FromMinutes(2)), string.Join("\n", lines));
            var before = FolderSnapshot.Take(dir);

            foreach (string[] second in new string[][] { [.. Args(dir, 50), "--resume"], Args(dir, 50) })
            {
                var (exit, _, err) = CliProcess.Run(second);
                Assert.Equal(2, exit);
                Assert.Equal($"dcgan: error: {dir} is in use by process {writer.Id} (a dcgan train or experiment writing it); wait for it to finish or stop it (Ctrl-C) first\n", err);
            }

            // Readers: generate from the latest checkpoint, and the dashboard shows the run as training.
            string png = Path.Combine(_temp.Root, "drawn.png");
            var generate = CliProcess.Run("generate", "--from", dir, "--count", "4", "--out", png);
            Assert.True(generate.Exit == 0, generate.Err);
            Assert.True(File.Exists(png));
            var (server, served) = CliProcess.Start(["serve", "--runs", dir, "--port", "0"]);
            try
            {
                Assert.True(CliProcess.WaitForLine(server, served, "Dashboard of", TimeSpan.FromMinutes(1)), string.Join("\n", served));
                string url;
                lock (served)
                {
                    url = DashboardAddress().Match(served.First(l => l.StartsWith("Dashboard of", StringComparison.Ordinal))).Groups[1].Value;
                }
                using var http = new HttpClient { BaseAddress = new Uri(url) };
                string runs = await http.GetStringAsync("/api/runs");
                Assert.Contains("\"status\":\"training\"", runs);
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
            Assert.Equal(before, FolderSnapshot.Take(dir));

            // evaluate records its result in the run (quality.jsonl) beside the writer, which never touches that file.
            var evaluate = CliProcess.Run("evaluate", "--from", dir, "--count", "20");
            Assert.True(evaluate.Exit == 0, evaluate.Err);
        }
        finally
        {
            // SIGKILL: nothing runs in the writer after this, and the kernel drops its lock.
            writer.Kill(entireProcessTree: true);
            await writer.WaitForExitAsync();
        }

        var resumed = CliProcess.Run([.. Args(dir, 2), "--resume"]);
        Assert.True(resumed.Exit == 0, resumed.Err);
        Assert.Equal(2, Checkpoint.ReadHeader(new RunFolder(dir).Checkpoints()[^1].Path).State.CompletedEpochs);
    }

    [Fact]
    public async Task TwoTrainsStartedTogetherLeaveOneWriter()
    {
        string dir = Path.Combine(_temp.Root, "together");
        string[] args = Args(dir, 100_000);
        var a = CliProcess.Start(args);
        var b = CliProcess.Start(args);
        try
        {
            await Task.WhenAny(a.Process.WaitForExitAsync(), b.Process.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(2));
            var (loser, winner) = a.Process.HasExited ? (a, b) : (b, a);
            await loser.Process.WaitForExitAsync();
            Assert.False(winner.Process.HasExited, "both writers stopped");
            Assert.Equal(2, loser.Process.ExitCode);
            lock (loser.Lines)
            {
                var errors = loser.Lines.Where(l => l.StartsWith("dcgan: error: ", StringComparison.Ordinal)).ToList();
                Assert.Single(errors);
                Assert.Contains($"is in use by process {winner.Process.Id}", errors[0]);
            }
            // The winner trains on undisturbed.
            Assert.True(CliProcess.WaitForLine(winner.Process, winner.Lines, "Time for epoch 2 ", TimeSpan.FromMinutes(2)), string.Join("\n", winner.Lines));
        }
        finally
        {
            foreach (var p in new[] { a.Process, b.Process })
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                }
                await p.WaitForExitAsync();
            }
        }
    }

    [GeneratedRegex(@" at (http://[^ ]+) ")]
    private static partial Regex DashboardAddress();
}
