using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// MoCo's dictionary: a ring buffer of the K most recent unit-length keys, oldest overwritten first.
/// Both the keys and the write position are buffers, so a checkpoint resumes the queue exactly.
/// </summary>
public sealed class KeyQueue : nn.Module
{
    // Field names are the state_dict names (queue.keys, queue.pointer).
    private readonly Tensor keys;
    private readonly Tensor pointer;

    /// <summary>A queue of <paramref name="capacity"/> random unit vectors of width <paramref name="dim"/>.</summary>
    public KeyQueue(int capacity, int dim) : base(nameof(KeyQueue))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        Capacity = capacity;
        // Random directions until real keys arrive, as in MoCo: harmless negatives for the first K/N steps.
        using (var random = randn(capacity, dim))
            keys = nn.functional.normalize(random, dim: 1);
        pointer = zeros(1, dtype: ScalarType.Int64);
        RegisterComponents();
    }

    /// <summary>K.</summary>
    public int Capacity { get; }

    /// <summary>The stored keys, (K, D), one per row. A live view: copy it to keep a snapshot.</summary>
    public Tensor Keys => keys;

    /// <summary>The row the next key goes to (0 ≤ pointer &lt; K).</summary>
    public long Pointer => pointer.item<long>();

    /// <summary>
    /// Writes <paramref name="newKeys"/> (N, D) at the pointer, wrapping around the end, and moves the
    /// pointer by N. When N &gt; K only the last K keys remain, as if they had been added one by one.
    /// </summary>
    public void Enqueue(Tensor newKeys)
    {
        if (newKeys.ndim != 2 || newKeys.shape[1] != keys.shape[1])
            throw new ArgumentException($"Keys must be (N, {keys.shape[1]}); got [{string.Join(", ", newKeys.shape)}].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = newKeys.shape[0];
        long first = Math.Max(0, n - Capacity);
        // Explicit Scalars held by `using`: TorchSharp 0.107 passes an implicit Scalar's handle to native code without
        // keeping it alive, so a GC on another thread may free it mid-call; on this int64 pointer that surfaces as
        // "For integral input tensors, argument alpha must not be a floating point number" (see SgdOptimizer.Step).
        using var one = 1L.ToScalar();
        using var count = n.ToScalar();
        using var capacity = ((long)Capacity).ToScalar();
        // Row positions stay on the device, so enqueueing never waits for the accelerator.
        var rows = arange(first, n, dtype: ScalarType.Int64, device: keys.device).add(pointer, one).remainder(capacity);
        keys.index_copy_(0, rows, newKeys.narrow(0, first, n - first).to(keys.dtype));
        pointer.add_(count, one).remainder_(capacity);
    }
}
