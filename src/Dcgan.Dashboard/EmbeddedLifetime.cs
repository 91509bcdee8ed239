// The dashboard lives inside a command (serve, or train --serve) that owns Ctrl-C and SIGTERM: unlike the
// default console lifetime, this one installs no signal handlers, so a signal reaches the command, not the web host.
namespace Dcgan.Dashboard;

using Microsoft.Extensions.Hosting;

/// <summary>A host lifetime that leaves process signals alone.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
