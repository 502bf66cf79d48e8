namespace ContrastiveCrop.Distributed;

/// <summary>The recipe's <c>distributed.backend</c>.</summary>
public enum DistributedBackend
{
    /// <summary>MPI when a launcher started several processes (NCCL for its tensors on CUDA); one process otherwise.</summary>
    Auto,

    /// <summary>Open MPI for everything (CPU tensors).</summary>
    Mpi,

    /// <summary>NCCL for CUDA tensors, bootstrapped over MPI (untested: no GPU on the project's machines).</summary>
    Nccl,

    /// <summary>One process, even under a launcher.</summary>
    None,
}
