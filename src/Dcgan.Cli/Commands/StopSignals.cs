// Ctrl-C and SIGTERM as a polite stop: the long-running verbs finish the current step, write a
// checkpoint and return, instead of being killed mid-write.
namespace Dcgan.Cli.Commands;

using System.Runtime.InteropServices;

/// <summary>Turns Ctrl-C and SIGTERM (and an embedding host's own token) into a cancellation request while installed.</summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _term;

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
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            _cts.Cancel();
        });
    }

    /// <summary>Set once a stop was asked for.</summary>
    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _term.Dispose();
        _cts.Dispose();
    }
}
