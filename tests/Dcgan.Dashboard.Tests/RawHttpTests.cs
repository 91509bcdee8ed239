// Path traversal against the real server (Kestrel on 127.0.0.1, a free port) with raw request lines, so no
// client library tidies the path first: dot segments plain and encoded, encoded slashes, absolute paths, and
// symbolic links out of the runs folder. None may reach a file outside it, and none may cause a 500.
namespace Dcgan.Dashboard.Tests;

using System.Net.Sockets;
using System.Text;

[Collection(RunsCollection.Name)]
public sealed class RawHttpTests(RunsFixture runs) : IAsyncLifetime
{
    private RunningDashboard _dash = null!;

    public async Task InitializeAsync() => _dash = await DashboardServer.StartAsync(new DashboardOptions { RunsDir = runs.RunsDir, Port = 0 });

    public async Task DisposeAsync() => await _dash.DisposeAsync();

    [Fact]
    public void ListensOnLoopbackOnly() => Assert.Equal("127.0.0.1", _dash.Address.Host);

    [Theory]
    [InlineData("/api/runs/../../secret.txt")]
    [InlineData("/api/runs/good/../../secret.txt")]
    [InlineData("/api/runs/%2e%2e/%2e%2e/secret.txt")]
    [InlineData("/api/runs/%2E%2E/metrics")]
    [InlineData("/api/runs/..%2f..%2fsecret.txt/metrics")]
    [InlineData("/api/runs/..%2F..%2Foutside-run/metrics")]
    [InlineData("/api/runs/%2e%2e%2foutside-run/metrics")]
    [InlineData("/api/runs/good/samples/..%2f..%2f..%2fsecret.txt")]
    [InlineData("/api/runs/good/samples/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.png")]
    [InlineData("/api/runs/good/samples/99.png")]
    [InlineData("/api/runs/linked-out/metrics")]
    [InlineData("/api/runs/linked-out/samples/1.png")]
    [InlineData("/api/runs/linked-out/generate?count=1")]
    [InlineData("/api/runs/good/generate?checkpoint=..%2f..%2f..%2foutside-run%2fcheckpoints%2fckpt-1")]
    [InlineData("/api/runs/%2ftmp/metrics")]
    [InlineData("//etc/passwd")]
    [InlineData("/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/api/runs/good%00/metrics")]
    [InlineData("/api/runs/good/samples/1.png%00.txt")]
    [InlineData("/api/runs/%c0%ae%c0%ae/metrics")]
    [InlineData("/app.js/../../secret.txt")]
    public async Task TraversalNeverLeavesTheRunsFolder(string target)
    {
        var (status, body) = await Raw($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        Assert.DoesNotContain("top secret", body);
        Assert.DoesNotContain("root:", body);
        Assert.InRange(status, 400, 499);
    }

    [Fact]
    public async Task AbsoluteFormAndAbsolutePathsAreRefused()
    {
        foreach (string line in new[] { "GET http://127.0.0.1/../secret.txt HTTP/1.1", $"GET {runs.Secret} HTTP/1.1", "GET file:///etc/passwd HTTP/1.1" })
        {
            var (status, body) = await Raw($"{line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            Assert.DoesNotContain("top secret", body);
            Assert.InRange(status, 400, 499);
        }
    }

    [Fact]
    public async Task OversizedRequestsAreRefused()
    {
        var (longLine, _) = await Raw($"GET /api/runs/good/generate?seed={new string('1', 10_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        Assert.Equal(414, longLine);
        var (body, _) = await Raw($"GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n{new string('x', 100_000)}");
        Assert.InRange(body, 200, 499); // GET bodies are never read; the server answers without taking them
    }

    [Fact]
    public async Task TheRealServerAnswersTheApi()
    {
        var (status, body) = await Raw("GET /api/runs/good/checkpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        Assert.Equal(200, status);
        Assert.Contains("ckpt-2", body);
        var (rebound, _) = await Raw("GET /api/runs HTTP/1.1\r\nHost: attacker.example:5000\r\nConnection: close\r\n\r\n");
        Assert.Equal(400, rebound);
    }

    [Fact]
    public async Task HalfOpenConnectionsNeitherKeepNewClientsOutNorStay()
    {
        await using var dash = await DashboardServer.StartAsync(new DashboardOptions
        {
            RunsDir = runs.RunsDir, Port = 0, HeadersTimeout = TimeSpan.FromSeconds(1), IdleTimeout = TimeSpan.FromSeconds(2),
        });
        var open = new List<TcpClient>();
        try
        {
            // 128 connections that never finish a request: half say nothing, half start headers they never end.
            for (int i = 0; i < 128; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", dash.Address.Port);
                if (i % 2 == 1)
                {
                    await tcp.GetStream().WriteAsync("GET /api/runs HTTP/1.1\r\nHost: 127.0"u8.ToArray());
                }
                open.Add(tcp);
            }
            // A new client is served while they all hang on.
            var (status, body) = await Raw(dash.Address.Port, "GET /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            Assert.Equal(200, status);
            Assert.Contains("\"runs\"", body);
            // And the server lets go of them: unfinished headers get a 408, silent connections are closed.
            for (int i = 0; i < open.Count; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                using var reader = new StreamReader(open[i].GetStream(), Encoding.Latin1);
                string rest;
                try
                {
                    rest = await reader.ReadToEndAsync(timeout.Token);
                }
                catch (IOException)
                {
                    rest = "";
                }
                if (i % 2 == 1 && rest.Length > 0)
                {
                    Assert.StartsWith("HTTP/1.1 408 ", rest);
                }
            }
        }
        finally
        {
            open.ForEach(t => t.Dispose());
        }
    }

    private Task<(int Status, string Body)> Raw(string request) => Raw(_dash.Address.Port, request);

    private static async Task<(int Status, string Body)> Raw(int port, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        }
        catch (IOException)
        {
            // The server may answer and close before a refused body is fully sent.
        }
        using var reader = new StreamReader(stream, Encoding.Latin1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string response;
        try
        {
            response = await reader.ReadToEndAsync(timeout.Token);
        }
        catch (IOException)
        {
            response = "";
        }
        Assert.StartsWith("HTTP/1.1 ", response);
        return (int.Parse(response.AsSpan(9, 3)), response);
    }
}
