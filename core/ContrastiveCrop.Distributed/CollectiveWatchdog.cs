using System.Diagnostics;

namespace ContrastiveCrop.Distributed;

/// <summary>
/// MPI collectives block until every rank joins, so a rank that died, hangs or took another branch would leave
/// the others waiting forever. The watchdog is a background thread that, when one collective has been waiting
/// longer than the timeout, prints one message naming the collective and the wait and ends the job through
/// <paramref name="abort"/> (<c>MPI_Abort</c>: mpirun then stops every rank with that exit code).
/// </summary>
/// <param name="timeout">How long one collective may wait.</param>
/// <param name="rank">This process's rank, for the message.</param>
/// <param name="abort">Ends the whole job with exit code 2 and does not return.</param>
internal sealed class CollectiveWatchdog(TimeSpan timeout, int rank, Action abort) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private string? _operation;
    private long _startedTicks;
    private Thread? _thread;

    /// <summary>The longest a collective may wait.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>Starts watching.</summary>
    public void Start()
    {
        _thread = new Thread(Watch) { IsBackground = true, Name = "collective watchdog" };
        _thread.Start();
    }

    /// <summary>Marks the start of a collective; dispose the result when it returns.</summary>
    public Scope Enter(string operation)
    {
        lock (_gate) (_operation, _startedTicks) = (operation, Stopwatch.GetTimestamp());
        return new Scope(this);
    }

    private void Leave()
    {
        lock (_gate) _operation = null;
    }

    private void Watch()
    {
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 50, 1000));
        while (!_stop.Token.WaitHandle.WaitOne(poll))
        {
            string? operation;
            TimeSpan waited;
            lock (_gate) (operation, waited) = (_operation, Stopwatch.GetElapsedTime(_startedTicks));
            if (operation is null || waited < timeout) continue;
            Console.Error.WriteLine(
                $"error: rank {rank}: {operation} did not complete within {timeout.TotalSeconds:0.#} s (distributed.timeout_seconds); " +
                "another rank has probably died, hung or stopped early (see its output above). Ending every rank.");
            Console.Error.Flush();
            abort();
            return;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join();
        _stop.Dispose();
    }

    /// <summary>One collective in flight.</summary>
    public readonly struct Scope(CollectiveWatchdog owner) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => owner.Leave();
    }
}
