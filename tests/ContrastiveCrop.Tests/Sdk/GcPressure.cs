namespace ContrastiveCrop.Tests.Sdk;

/// <summary>
/// A thread that allocates and collects without pause while it lives, so the GC (and the finalizers after it) run
/// at any moment of the test thread's work, also in the middle of its native calls: the conditions under which
/// TorchSharp 0.107 frees a temporary Scalar that libtorch is still reading. What a long run on a loaded machine
/// meets by chance once in some thousands of steps, this brings into every few hundred native calls.
/// </summary>
internal sealed class GcPressure : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public GcPressure()
    {
        _thread = new Thread(Churn) { IsBackground = true, Name = "gc pressure" };
        _thread.Start();
    }

    /// <summary>Garbage collections since the pressure started (all generations count gen 0).</summary>
    public int Collections { get; private set; }

    private void Churn()
    {
        int start = GC.CollectionCount(0);
        while (!_stop)
        {
            for (int i = 0; i < 16; i++) GC.KeepAlive(new byte[32 * 1024]);
            GC.Collect(0);
        }
        Collections = GC.CollectionCount(0) - start;
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
