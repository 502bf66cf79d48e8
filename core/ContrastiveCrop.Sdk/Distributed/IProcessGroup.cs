using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>
/// The processes of one data-parallel job and the collectives between them (c10d's <c>ProcessGroup</c>). Every
/// rank must call the same collectives in the same order with tensors of the same shape and type; a collective
/// that does not complete within the group's timeout ends every rank with one message instead of hanging.
/// A run in one process gets <see cref="SingleProcessGroup"/>, whose collectives are identities, so code written
/// against this interface runs unchanged in one process.
/// </summary>
public interface IProcessGroup
{
    /// <summary>This process's index, 0 ≤ rank &lt; <see cref="WorldSize"/>; rank 0 writes the run's files.</summary>
    int Rank { get; }

    /// <summary>How many processes take part.</summary>
    int WorldSize { get; }

    /// <summary>The backend's name for logs and the run manifest (<c>none</c>, <c>mpi</c>, <c>nccl</c>).</summary>
    string Backend { get; }

    /// <summary>Replaces <paramref name="tensor"/> (contiguous) in place by the element-wise reduction over all ranks.</summary>
    void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum);

    /// <summary>
    /// The ranks' tensors concatenated along dimension 0 in rank order; every rank passes the same shape.
    /// Not differentiable: <see cref="DistributedGather.WithGradient"/> is.
    /// </summary>
    Tensor AllGather(Tensor tensor);

    /// <summary>Overwrites <paramref name="tensor"/> (contiguous) on every rank with rank <paramref name="root"/>'s values.</summary>
    void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Returns when every rank has called it.</summary>
    void Barrier();
}
