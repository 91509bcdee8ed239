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

    /// <summary>Generators kept loaded (each holds both models and their Adam state, tens of MB for MNIST).</summary>
    public int CachedSamplers { get; init; } = 4;

    /// <summary>A run counts as training when its files changed this recently and it has no status.json.</summary>
    public TimeSpan TrainingWindow { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How often an open event stream looks at the run folder for changes.</summary>
    public TimeSpan WatchInterval { get; init; } = TimeSpan.FromSeconds(1);
}
