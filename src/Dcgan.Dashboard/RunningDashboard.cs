// A started dashboard: where it listens, and how to stop it (dispose) once the caller is done.
namespace Dcgan.Dashboard;

using Microsoft.AspNetCore.Builder;

/// <summary>A dashboard server that is running; disposing it stops it and waits for open requests to end.</summary>
public sealed class RunningDashboard : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    internal RunningDashboard(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The page's address, with the real port when port 0 was asked for, e.g. http://127.0.0.1:5000/.</summary>
    public Uri Address { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(deadline.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
