using ContrastiveCrop.Distributed;
using ContrastiveCrop.Sdk.Distributed;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>Which group a process gets from its launcher's environment and the recipe, without starting MPI.</summary>
[TestFixture]
public sealed class ProcessGroupSelectionTests
{
    private static LaunchEnvironment? Detect(params (string Name, string Value)[] variables) =>
        LaunchEnvironment.Detect(name => variables.FirstOrDefault(v => v.Name == name).Value);

    [Test]
    public void Open_mpi_variables_give_rank_and_world_size() =>
        Assert.That(Detect(("OMPI_COMM_WORLD_RANK", "3"), ("OMPI_COMM_WORLD_SIZE", "8"), ("SLURM_PROCID", "0")),
                    Is.EqualTo(new LaunchEnvironment("mpirun (Open MPI)", 3, 8)));

    [Test]
    public void Slurm_with_pmix_gives_the_pmix_rank_and_the_task_count() =>
        Assert.That(Detect(("PMIX_RANK", "5"), ("SLURM_PROCID", "5"), ("SLURM_NTASKS", "32")), Is.EqualTo(new LaunchEnvironment("PMIx", 5, 32)));

    [Test]
    public void A_single_slurm_task_or_no_variables_is_not_a_launch()
    {
        Assert.That(Detect(("SLURM_PROCID", "0"), ("SLURM_NTASKS", "1")), Is.Null);
        Assert.That(Detect(), Is.Null);
        Assert.That(Detect(("OMPI_COMM_WORLD_RANK", "not a number")), Is.Null);
    }

    [Test]
    public void Auto_without_a_launcher_is_the_single_process_group()
    {
        var group = ProcessGroups.Start(new DistributedOptions(), launch: null, deviceIsCuda: false);
        Assert.That(group, Is.SameAs(SingleProcessGroup.Instance));
        Assert.That((group.Rank, group.WorldSize, group.Backend), Is.EqualTo((0, 1, "none")));
    }

    [Test]
    public void Backend_none_under_a_launcher_stays_in_one_process() =>
        Assert.That(ProcessGroups.Start(new DistributedOptions(DistributedBackend.None), new LaunchEnvironment("mpirun (Open MPI)", 1, 2), false),
                    Is.SameAs(SingleProcessGroup.Instance));

    [Test]
    public void Backend_mpi_without_a_launcher_is_a_setup_error_naming_the_command()
    {
        var error = Assert.Throws<DistributedSetupException>(() => ProcessGroups.Start(new DistributedOptions(DistributedBackend.Mpi), null, false))!;
        Assert.That(error.Message, Does.Contain("distributed.backend is mpi").And.Contain("mpirun -np N ccrop run"));
    }

    [Test]
    public void Backend_nccl_on_the_cpu_is_a_setup_error()
    {
        var error = Assert.Throws<DistributedSetupException>(() =>
            ProcessGroups.Start(new DistributedOptions(DistributedBackend.Nccl), new LaunchEnvironment("mpirun (Open MPI)", 0, 2), deviceIsCuda: false))!;
        Assert.That(error.Message, Does.Contain("nccl").And.Contain("CPU"));
    }

    [Test]
    public void Options_reject_a_non_positive_timeout_and_accept_sync_batchnorm()
    {
        Assert.That(new DistributedOptions(TimeoutSeconds: 0).Validate().Select(e => e.Key), Is.EquivalentTo(new[] { "timeout_seconds" }));
        Assert.That(new DistributedOptions(SyncBatchnorm: true).Validate(), Is.Empty);
        Assert.That(new DistributedOptions().Validate(), Is.Empty);
    }
}
