using System.Runtime.InteropServices;

namespace ContrastiveCrop.Distributed;

/// <summary>What <c>ccrop doctor</c> reports about data-parallel training on this machine, without starting MPI.</summary>
/// <param name="MpiLibrary">Where libmpi was found, or why not.</param>
/// <param name="MpiAvailable">Whether Open MPI's library loads.</param>
/// <param name="Launch">The launcher that started this process, if any.</param>
/// <param name="NcclAvailable">Whether libnccl.so.2 loads.</param>
public sealed record DistributedStatus(string MpiLibrary, bool MpiAvailable, LaunchEnvironment? Launch, bool NcclAvailable)
{
    /// <summary>Probes this process and machine.</summary>
    public static DistributedStatus Probe()
    {
        bool mpi = NativeLibrary.TryLoad(ContrastiveCrop.Distributed.MpiLibrary.FileName, out var handle)
                   && NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _);
        string detail = mpi ? $"{ContrastiveCrop.Distributed.MpiLibrary.FileName} (Open MPI) loads"
                            : $"{ContrastiveCrop.Distributed.MpiLibrary.FileName} not found: apt-get install openmpi-bin libopenmpi-dev for mpirun -np N ccrop run";
        return new DistributedStatus(detail, mpi, LaunchEnvironment.Current(), NcclProcessGroup.IsAvailable());
    }
}
