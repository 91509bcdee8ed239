// `dcgan train --serve`: the run being trained is served live on 127.0.0.1, and a busy port is a one-line error.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dcgan.Cli;
using Dcgan.TestSupport;

public sealed partial class TrainServeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("dcgan-train-serve-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class Capture : TextWriter
    {
        private readonly System.Text.StringBuilder _text = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    [Fact]
    public async Task ServesTheRunWhileItTrains()
    {
        // The run is far longer than the test: the test stops it (as Ctrl-C would) once it has seen the
        // dashboard serve an epoch, so a fast machine can never end training before the first request.
        string run = Path.Combine(_root, "live");
        var stdout = new Capture();
        using var stop = new CancellationTokenSource();
        var training = Task.Run(() => Program.Run(
            ["train", "--dataset", "synthetic", "--limit", "16", "--batch-size", "8", "--epochs", "100000", "--samples", "1",
             "--checkpoint-every", "100000", "--serve", "--serve-port", "0", "--out", run], stdout, new StringWriter(), stop.Token));
        Match address = Match.Empty;
        for (int i = 0; i < 1200 && !address.Success && !training.IsCompleted; i++)
        {
            address = DashboardAddress().Match(stdout.ToString());
            await Task.Delay(50);
        }
        Assert.True(address.Success, stdout.ToString());
        using var client = new HttpClient { BaseAddress = new Uri(address.Groups[1].Value) };
        string runs = "";
        for (int i = 0; i < 1200 && !runs.Contains("\"epochs_done\":", StringComparison.Ordinal); i++)
        {
            runs = await client.GetStringAsync("/api/runs");
            await Task.Delay(50);
        }
        Assert.Contains("synthetic", runs);
        Assert.Contains("\"epochs_done\":", runs);
        Assert.False(training.IsCompleted, "training ended before the test stopped it");
        stop.Cancel();
        Assert.Equal(130, await training);
        Assert.StartsWith("http://127.0.0.1:", address.Groups[1].Value);
        // Training is over, so is the dashboard.
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetStringAsync("/api/runs"));
    }

    [Fact]
    public void ABusyPortIsAOneLineError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var stderr = new StringWriter();
        int exit = Program.Run(["train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1", "--serve", "--serve-port",
            port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.Combine(_root, "busy")], new StringWriter(), stderr);
        Assert.Equal(2, exit);
        Assert.Contains("cannot serve the dashboard on port", stderr.ToString());
        Assert.Single(stderr.ToString().TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void ABusyPortIsOneLineOnTheRealConsole()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exit, output, err) = CliProcess.Run("train", "--dataset", "synthetic", "--limit", "8", "--batch-size", "8", "--epochs", "1",
            "--serve", "--serve-port", port, "--out", Path.Combine(_root, "busy-process"));
        Assert.Equal(2, exit);
        // What training printed before the dashboard was started, and nothing from the web host.
        Assert.DoesNotContain("fail:", output);
        Assert.DoesNotContain("   at ", output + err);
        Assert.StartsWith($"dcgan: error: cannot serve the dashboard on port {port}: ", err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }

    [GeneratedRegex(@"Dashboard at (http://[^ ]+) ")]
    private static partial Regex DashboardAddress();
}
