// `dcgan serve` as a user meets it: help, and one-line errors (exit 2) for a missing folder, a bad host or a busy port.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using System.Net.Sockets;
using Dcgan.Cli;
using Dcgan.TestSupport;

public sealed class ServeCommandTests
{
    [Fact]
    public void HelpNamesTheFlagsAndTheVerbIsListed()
    {
        var (exit, output, _) = Run("serve", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--runs TEXT", output);
        Assert.Contains("[default: 5000]", output);
        Assert.Contains("[default: 127.0.0.1]", output);
        Assert.Contains("  serve", Run("--help").Out);
    }

    [Fact]
    public void BadInputIsOneLine()
    {
        var missing = Run("serve", "--runs", "/no/such/folder");
        Assert.Equal(2, missing.Exit);
        Assert.StartsWith("dcgan: error: --runs /no/such/folder is not a folder", missing.Err);
        var host = Run("serve", "--runs", Path.GetTempPath(), "--host", "example.com");
        Assert.Equal(2, host.Exit);
        Assert.Contains("--host must be an IP address", host.Err);
        Assert.Equal(2, Run("serve", "--port", "70000").Exit);
    }

    [Fact]
    public void ABusyPortIsAUserError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (exit, _, err) = Run("serve", "--runs", Path.GetTempPath(), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, exit);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", err);
    }

    [Fact]
    public void ABusyPortIsOneLineOnTheRealConsole()
    {
        // Only a real process shows what the web host itself prints (to the real console, not Program.Run's writers).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exit, output, err) = CliProcess.Run("serve", "--runs", Path.GetTempPath(), "--port", port);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Equal($"dcgan: error: cannot listen on 127.0.0.1:{port}: Failed to bind to address http://127.0.0.1:{port}: address already in use. (try another --port, or --port 0 for any free one)\n", err);
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
