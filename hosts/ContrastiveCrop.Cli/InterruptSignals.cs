using System.Runtime.InteropServices;

namespace ContrastiveCrop.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM (a scheduler's or <c>kill</c>'s polite stop) into a cancellation the
/// training loops honour at their next safe point (after the current step, with the last checkpoint kept), instead of
/// the runtime's immediate exit that left the manifest saying "running". A second signal is left to the runtime, so an
/// impatient user can still stop at once.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<string> _notice;

    private InterruptSignals(Action<string> notice)
    {
        _notice = notice;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, Handle));
            }
            catch (PlatformNotSupportedException)
            {
                // SIGTERM has no meaning on some platforms; Ctrl+C alone still works there.
            }
        }
    }

    /// <summary>Starts listening; dispose to restore the runtime's default handling.</summary>
    /// <param name="notice">Where the one line saying the run will stop goes (stderr).</param>
    public static InterruptSignals Listen(Action<string>? notice = null) => new(notice ?? Console.Error.WriteLine);

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cancel.Token;

    private void Handle(PosixSignalContext context)
    {
        if (_cancel.IsCancellationRequested) return; // the second signal: the runtime's default, an immediate exit
        context.Cancel = true;
        _notice($"{(context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : context.Signal.ToString())}: stopping after the current step " +
                "(the last checkpoint is kept; press Ctrl+C again to stop at once).");
        _cancel.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
