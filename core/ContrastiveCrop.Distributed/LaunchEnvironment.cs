using System.Globalization;

namespace ContrastiveCrop.Distributed;

/// <summary>
/// What the launcher told this process through its environment: Open MPI's <c>mpirun</c> sets
/// <c>OMPI_COMM_WORLD_RANK</c>/<c>_SIZE</c>; PMIx launchers (<c>srun --mpi=pmix</c>, prrte) set <c>PMIX_RANK</c>
/// (the size comes from MPI itself); MPICH-style PMI sets <c>PMI_RANK</c>/<c>PMI_SIZE</c>; Slurm sets
/// <c>SLURM_PROCID</c>/<c>SLURM_NTASKS</c>. Read before MPI starts, so a plain <c>ccrop run</c> never loads libmpi.
/// </summary>
/// <param name="Launcher">Which variables were found, for <c>ccrop doctor</c> and the manifest.</param>
/// <param name="Rank">This process's rank.</param>
/// <param name="WorldSize">Processes in the job, when the launcher says.</param>
public sealed record LaunchEnvironment(string Launcher, int Rank, int? WorldSize)
{
    /// <summary>The launcher's view of this process, or null when no launcher started it.</summary>
    public static LaunchEnvironment? Detect(Func<string, string?> variable)
    {
        int? Int(string name) => int.TryParse(variable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;
        if (Int("OMPI_COMM_WORLD_RANK") is { } ompiRank) return new("mpirun (Open MPI)", ompiRank, Int("OMPI_COMM_WORLD_SIZE"));
        if (Int("PMIX_RANK") is { } pmixRank) return new("PMIx", pmixRank, Int("SLURM_NTASKS"));
        if (Int("PMI_RANK") is { } pmiRank) return new("PMI", pmiRank, Int("PMI_SIZE"));
        if (Int("SLURM_PROCID") is { } slurmRank && Int("SLURM_NTASKS") is { } tasks && tasks > 1) return new("Slurm", slurmRank, tasks);
        return null;
    }

    /// <summary>This process's environment.</summary>
    public static LaunchEnvironment? Current() => Detect(Environment.GetEnvironmentVariable);
}
