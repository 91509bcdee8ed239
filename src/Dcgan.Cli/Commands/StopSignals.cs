// Ctrl-C, SIGTERM and SIGHUP as a polite stop: the long-running verbs finish the current step, write a
// checkpoint and return, instead of being killed mid-write. SIGHUP is what a closed terminal (or a dropped ssh
// session) sends; its default would end the process on the spot.
namespace Dcgan.Cli.Commands;

using System.Runtime.InteropServices;

/// <summary>Turns Ctrl-C, SIGTERM and SIGHUP (and an embedding host's own token) into a cancellation request while installed.</summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _hangUp;

    /// <param name="host">A stop asked for by whoever called <c>Program.Run</c> (tests, embedding hosts).</param>
    public StopSignals(CancellationToken host = default)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(host);
        _onCancel = (_, e) =>
        {
            e.Cancel = true;
            if (!_cts.IsCancellationRequested)
            {
                Console.Error.WriteLine("Stopping after this step (a checkpoint will be written)...");
                _cts.Cancel();
            }
        };
        Console.CancelKeyPress += _onCancel;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        _hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
    }

    /// <summary>Set once a stop was asked for.</summary>
    public CancellationToken Token => _cts.Token;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _cts.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _term.Dispose();
        _hangUp.Dispose();
        _cts.Dispose();
    }
}
