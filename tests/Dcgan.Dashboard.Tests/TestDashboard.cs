// An in-memory dashboard (ASP.NET Core TestServer) over a runs folder, with JSON helpers for the tests.
namespace Dcgan.Dashboard.Tests;

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

/// <summary>A started in-memory dashboard and its client.</summary>
public sealed class TestDashboard : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestDashboard(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    /// <summary>The server's API object: its generator cache and draw queue, for tests of their bounds.</summary>
    internal DashboardApi Api => _app.Services.GetRequiredService<DashboardApi>();

    public static async Task<TestDashboard> StartAsync(string runsDir, Func<DashboardOptions, DashboardOptions>? configure = null)
    {
        var options = new DashboardOptions { RunsDir = runsDir, WatchInterval = TimeSpan.FromMilliseconds(100) };
        options = configure?.Invoke(options) ?? options;
        var app = DashboardServer.Build(options, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new TestDashboard(app);
    }

    /// <summary>GET, expecting <paramref name="status"/>; returns the body parsed as JSON.</summary>
    public async Task<JsonElement> Json(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await Client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"GET {path}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>GET that must fail with <paramref name="status"/> and a JSON error whose message contains <paramref name="message"/>.</summary>
    public async Task<string> Error(string path, HttpStatusCode status, string? message = null)
    {
        var body = await Json(path, status);
        string error = body.GetProperty("error").GetString()!;
        if (message is not null)
        {
            Assert.Contains(message, error);
        }
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
