// Builds and starts the dashboard web server: Kestrel on loopback by default, strict limits, read-only GET
// endpoints (DashboardApi) and JSON errors. `dcgan serve` and `dcgan train --serve` both come through here.
namespace Dcgan.Dashboard;

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

/// <summary>Entry points of the dashboard.</summary>
public static class DashboardServer
{
    /// <summary>Open connections at once; more are closed on arrival.</summary>
    public const int MaxConnections = 1024;

    /// <summary>
    /// The configured web application, not started. <paramref name="configure"/> runs last before building (tests
    /// put an in-memory server in with it).
    /// </summary>
    public static WebApplication Build(DashboardOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = ParseHost(options.Host);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535);

        // The tool's own folder as content root, so no appsettings.json of the current folder can reconfigure it.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "Dcgan.Dashboard",
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        // Quiet: when training serves its own run, the console belongs to the progress line.
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // A failed start (a port in use) reaches the caller as an exception and becomes one line there; the host's own
        // report of it is a page of stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // An explicit Listen overrides any ASPNETCORE_URLS in the environment.
            k.Listen(address, options.Port);
            k.Limits.MaxRequestBodySize = 1024;
            k.Limits.MaxRequestLineSize = 4096;
            k.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            k.Limits.MaxRequestHeaderCount = 50;
            // Connections that open and then say nothing (or dribble a header) must not keep new clients out: a
            // request's headers get a few seconds, an idle connection a little longer, bodies and responses a minimum
            // rate, and the connection limit sits well above what a page and a few scripts open.
            k.Limits.MaxConcurrentConnections = MaxConnections;
            k.Limits.RequestHeadersTimeout = options.HeadersTimeout;
            k.Limits.KeepAliveTimeout = options.IdleTimeout;
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            k.Limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        });
        builder.Services.AddHostFiltering(o =>
        {
            // On loopback, a request naming another host is a DNS-rebinding page reaching in: refuse it.
            o.AllowedHosts = IPAddress.IsLoopback(address) ? ["localhost", "127.0.0.1", "[::1]"] : ["*"];
            o.IncludeFailureMessage = false;
        });
        builder.Services.AddRouting();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedLifetime>();
        var api = new DashboardApi(options);
        builder.Services.AddSingleton(api);
        configure?.Invoke(builder);

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Dcgan.Dashboard");
        app.Use((http, next) =>
        {
            var h = http.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.XFrameOptions = "DENY";
            h["Referrer-Policy"] = "no-referrer";
            h.ContentSecurityPolicy = DashboardApi.DataPolicy;
            return ErrorResponses.Handle(http, next, logger, api.Catalog.Root);
        });
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            return ErrorResponses.Write(http, http.Response.StatusCode, ErrorResponses.Reason(http.Response.StatusCode));
        });
        app.UseHostFiltering();
        app.UseRouting();
        api.Map(app);
        return app;
    }

    /// <summary>Starts a dashboard and returns once it listens; dispose the result to stop it.</summary>
    public static async Task<RunningDashboard> StartAsync(DashboardOptions options, CancellationToken cancel = default)
    {
        var app = Build(options);
        try
        {
            await app.StartAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        string listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{options.Host}:{options.Port}";
        return new RunningDashboard(app, new Uri(listening.TrimEnd('/') + "/"));
    }

    /// <summary>The synchronous form of <see cref="StartAsync"/>, for callers such as the trainer's command.</summary>
    public static RunningDashboard Start(DashboardOptions options) => StartAsync(options).GetAwaiter().GetResult();

    /// <summary>Serves until <paramref name="cancel"/> is cancelled (Ctrl-C in `dcgan serve`).</summary>
    public static async Task RunAsync(DashboardOptions options, Action<Uri>? started = null, CancellationToken cancel = default)
    {
        await using var dashboard = await StartAsync(options, cancel).ConfigureAwait(false);
        started?.Invoke(dashboard.Address);
        try
        {
            await Task.Delay(Timeout.Infinite, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop: dispose below shuts the server down.
        }
    }

    private static IPAddress ParseHost(string host)
    {
        if (host == "localhost")
        {
            return IPAddress.Loopback;
        }
        return IPAddress.TryParse(host, out var ip)
            ? ip
            : throw new ArgumentException($"host must be an IP address or 'localhost', got '{host}'", nameof(host));
    }
}
