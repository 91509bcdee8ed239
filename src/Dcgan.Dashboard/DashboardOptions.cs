// What a dashboard serves and where it listens: one runs folder (or one run folder), loopback by default.
namespace Dcgan.Dashboard;

/// <summary>Settings of one dashboard server.</summary>
public sealed record DashboardOptions
{
    /// <summary>A folder of run folders, or one run folder (it has a config.json), as `train --serve` uses.</summary>
    public required string RunsDir { get; init; }

    /// <summary>Address to listen on: an IP address or "localhost". Anything but loopback exposes the runs to the network.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (see <see cref="RunningDashboard.Address"/>).</summary>
    public int Port { get; init; } = 5000;

    /// <summary>Generators kept loaded (the generator only: about 90 MB each for the tutorial's, with its buffers).</summary>
    public int CachedSamplers { get; init; } = 4;

    /// <summary>Generators loaded or drawing at once across the server; each draw uses every worker thread anyway.</summary>
    public int ConcurrentDraws { get; init; } = 2;

    /// <summary>Draw requests waiting for a slot; more than this are answered 503 with a Retry-After.</summary>
    public int QueuedDraws { get; init; } = 8;

    /// <summary>Images per forward pass of a drawing: a generator's buffers grow with it (about 75 MB for 32 tutorial images, 170 MB for 256).</summary>
    public int DrawBatch { get; init; } = 32;

    /// <summary>A run counts as training when its files changed this recently and it has no status.json.</summary>
    public TimeSpan TrainingWindow { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Time a client has to send a request's headers (Kestrel answers 408 and closes after it).</summary>
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time a connection may sit without a request (a new one included) before it is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an open event stream looks at the run folder for changes.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(1);
}
