using ContrastiveCrop.Sdk.Distributed;

namespace ContrastiveCrop.Distributed;

/// <summary>Chooses and starts the process group a recipe's <c>distributed</c> section and the launcher ask for.</summary>
public static class ProcessGroups
{
    /// <summary>
    /// The group for this process: <see cref="SingleProcessGroup"/> when no launcher started several processes
    /// (or backend none), MPI otherwise. Throws <see cref="DistributedSetupException"/> when MPI was asked for but
    /// cannot start, or when the launcher's world size disagrees with MPI's.
    /// </summary>
    /// <param name="options">The recipe's section.</param>
    /// <param name="launch">The launcher's environment (<see cref="LaunchEnvironment.Current"/>).</param>
    /// <param name="deviceIsCuda">Whether tensors live on a CUDA device (NCCL then carries them).</param>
    public static IProcessGroup Start(DistributedOptions options, LaunchEnvironment? launch, bool deviceIsCuda)
    {
        if (options.Backend == DistributedBackend.None) return SingleProcessGroup.Instance;
        if (launch is null)
        {
            if (options.Backend == DistributedBackend.Auto) return SingleProcessGroup.Instance;
            throw new DistributedSetupException(
                $"distributed.backend is {options.Backend.ToString().ToLowerInvariant()}, but no launcher started this process " +
                "(no OMPI_COMM_WORLD_RANK, PMIX_RANK, PMI_RANK or SLURM_PROCID); start it with mpirun -np N ccrop run ... or srun, or set distributed.backend: auto.");
        }
        if (options.Backend == DistributedBackend.Nccl && !deviceIsCuda)
            throw new DistributedSetupException("distributed.backend is nccl, which carries CUDA tensors only, but the run's device is the CPU; use backend mpi or auto.");
        var mpi = MpiProcessGroup.Initialize(TimeSpan.FromSeconds(options.TimeoutSeconds));
        if (launch.WorldSize is { } expected && expected != mpi.WorldSize)
        {
            mpi.Dispose();
            throw new DistributedSetupException($"The launcher ({launch.Launcher}) says {expected} processes but MPI sees {mpi.WorldSize}; was ccrop started by a different MPI than {MpiLibrary.FileName}?");
        }
        bool nccl = options.Backend == DistributedBackend.Nccl || (options.Backend == DistributedBackend.Auto && deviceIsCuda);
        return nccl ? NcclProcessGroup.Initialize(mpi) : mpi;
    }

    /// <summary>
    /// Ends every rank of <paramref name="group"/>'s job with <paramref name="exitCode"/> when it spans several
    /// processes (so the others do not wait in their next collective); returns for a single process.
    /// </summary>
    public static void AbortJob(IProcessGroup group, int exitCode)
    {
        if (group is MpiProcessGroup mpi) mpi.Abort(exitCode);
        if (group is NcclProcessGroup nccl) nccl.Abort(exitCode);
    }
}
