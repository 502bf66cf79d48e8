using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>The group of one process: rank 0 of 1, every collective an identity (all-gather returns a copy).</summary>
public sealed class SingleProcessGroup : IProcessGroup
{
    /// <summary>The one instance; it holds no state.</summary>
    public static SingleProcessGroup Instance { get; } = new();

    private SingleProcessGroup() { }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int WorldSize => 1;

    /// <inheritdoc />
    public string Backend => "none";

    /// <inheritdoc />
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum) { }

    /// <inheritdoc />
    public Tensor AllGather(Tensor tensor) => tensor.detach().clone();

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        if (root != 0) throw new ArgumentOutOfRangeException(nameof(root), root, "A single-process group has only rank 0.");
    }

    /// <inheritdoc />
    public void Barrier() { }
}
