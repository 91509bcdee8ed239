// `dcgan serve`: the dashboard over a folder of runs, on loopback unless --host says otherwise, until Ctrl-C.
namespace Dcgan.Cli.Commands;

using System.Net;
using Dcgan.Dashboard;

/// <summary>Serves the web dashboard.</summary>
public static class ServeCommand
{
    public static OptionSet Options() => new OptionSet("dcgan serve [options]",
        "Serve a dashboard of the runs in a folder: their curves and grids (updating while they train), fresh samples\n" +
        "from any checkpoint and walks through the latent space. Read-only; listens on 127.0.0.1 unless --host is given.")
        .Text("runs", "runs", "Folder of run folders (or one run folder)")
        .Int("port", 5000, "TCP port (0: any free port)", 0, 65535)
        .Text("host", "127.0.0.1", "Address to listen on; anything but loopback shows your runs to the network")
        .Threads("Worker threads for drawing samples (0: all cores)");

    public static int Run(OptionSet o, TextWriter stdout)
    {
        string runs = o.GetText("runs")!;
        if (!Directory.Exists(runs))
        {
            throw new UserError($"--runs {runs} is not a folder (train a run first: dcgan train --out {Path.Combine(runs, "my-run")})");
        }
        string host = o.GetText("host")!;
        if (host != "localhost" && !IPAddress.TryParse(host, out _))
        {
            throw new UserError($"--host must be an IP address or 'localhost', got '{host}'");
        }
        var options = new DashboardOptions { RunsDir = runs, Host = host, Port = o.GetInt("port") };
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            DashboardServer.RunAsync(options, address =>
            {
                stdout.WriteLine($"Dashboard of {Path.GetFullPath(runs)} at {address} (Ctrl-C to stop)");
                if (!IPAddress.IsLoopback(host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host)))
                {
                    stdout.WriteLine($"Warning: listening on {host}: anyone who can reach this machine can see these runs.");
                }
            }, stop.Token).GetAwaiter().GetResult();
        }
        catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || e.InnerException is System.Net.Sockets.SocketException)
        {
            throw new UserError($"cannot listen on {host}:{o.GetInt("port")}: {e.Message.ReplaceLineEndings(" ")} (try another --port, or --port 0 for any free one)");
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        return 0;
    }
}
