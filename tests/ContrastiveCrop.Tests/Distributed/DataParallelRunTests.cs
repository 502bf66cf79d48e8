using System.Text.Json;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary><c>mpirun -np 2 ccrop run</c> end to end: one run folder written by rank 0, exact resume, bad setups.</summary>
[TestFixture]
[NonParallelizable]
public sealed class DataParallelRunTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static string Recipe(TinyRecipe recipe, int epochs) =>
        recipe.Write(TinyRecipe.Text().Replace("seed: 3\n", "seed: 3\nthreads: 1\n").Replace("epochs: 2\n", $"epochs: {epochs}\n")
                                      .Replace("  log_every: 1\n", "  log_every: 1\n  checkpoint_every: 1\n"));

    private static string OnlyRun(TinyRecipe recipe) => Directory.GetDirectories(recipe.Runs).Single();

    [Test]
    public void Two_ranks_write_one_run_folder_whose_manifest_says_two_ranks()
    {
        MpiLaunch.RequireMpi();
        var recipe = new TinyRecipe();
        var path = Recipe(recipe, 1);
        var (code, output) = MpiLaunch.RunCcrop(2, recipe.Folder, Limit, "run", path);
        Assert.That(code, Is.EqualTo(0), output);
        var run = OnlyRun(recipe);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "manifest.json")));
        Assert.That(manifest.RootElement.GetProperty("ranks").GetInt32(), Is.EqualTo(2));
        Assert.That(manifest.RootElement.GetProperty("status").GetString(), Is.EqualTo("finished"));
        // Rank 0 alone logs: 48 images / global batch 16 = 3 steps, each logged once, not once per rank.
        var steps = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"pretrain/step\""));
        Assert.That(steps, Is.EqualTo(3));
        Assert.That(output, Does.Contain("(2 processes, mpi)"));
    }

    [Test]
    public void A_two_rank_run_killed_after_its_first_epoch_and_resumed_equals_the_uninterrupted_run()
    {
        MpiLaunch.RequireMpi();
        var whole = new TinyRecipe();
        var (code, output) = MpiLaunch.RunCcrop(2, whole.Folder, Limit, "run", Recipe(whole, 3));
        Assert.That(code, Is.EqualTo(0), output);

        // Kill the job as soon as rank 0 has written the first epoch's checkpoint (atomically renamed into place).
        var cut = new TinyRecipe();
        var path = Recipe(cut, 3);
        using (var job = MpiLaunch.StartCcrop(2, cut.Folder, "run", path))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string? last = null;
            while (last is null && !job.HasExited && clock.Elapsed < Limit)
            {
                Thread.Sleep(20);
                if (Directory.Exists(cut.Runs))
                    last = Directory.GetDirectories(cut.Runs).Select(r => Path.Combine(r, "checkpoints", "last.pt")).FirstOrDefault(File.Exists);
            }
            Assert.That(job.HasExited, Is.False, "the run ended before it could be interrupted");
            job.Kill(entireProcessTree: true);
            job.WaitForExit();
        }
        var run = OnlyRun(cut);
        var (info, _) = CheckpointFile.Load(Path.Combine(run, "checkpoints", "last.pt"));
        Assert.That(info.CompletedEpochs, Is.LessThan(3), "the kill came after the last epoch");

        var resumed = MpiLaunch.RunCcrop(2, cut.Folder, Limit, "run", "--resume", run);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Output);

        var (_, expected) = CheckpointFile.Load(Path.Combine(OnlyRun(whole), "checkpoints", "last.pt"));
        var (_, actual) = CheckpointFile.Load(Path.Combine(run, "checkpoints", "last.pt"));
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, tensor) in expected)
            Assert.That(actual[name].equal(tensor).all().item<bool>(), Is.True, $"{name} differs after the resume");
    }

    [Test]
    public void A_two_rank_MoCo_run_with_ContrastiveCrop_and_synchronised_BatchNorm_finishes_with_localised_boxes()
    {
        // End to end through ccrop: shuffled BatchNorm keys and a gathered queue, a box update split between the ranks
        // after epoch 1, synchronised BatchNorm; rank 0 alone writes the diagnostics and the checkpoint.
        MpiLaunch.RequireMpi();
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text("name: contrastive-crop, update_epochs: 1")
            .Replace("seed: 3\n", "seed: 3\nthreads: 1\ndistributed: {sync_batchnorm: true}\n")
            .Replace("method: {name: simclr, temperature: 0.5}", "method: {name: moco-v2, queue_size: 32}"));
        var (code, output) = MpiLaunch.RunCcrop(2, recipe.Folder, Limit, "run", path);
        Assert.That(code, Is.EqualTo(0), output);
        var run = OnlyRun(recipe);
        // The backbone's 20 BatchNorm layers in the query and in the key encoder (the console wraps lines; the log does not).
        Assert.That(File.ReadAllText(Path.Combine(run, "run.log")), Does.Contain("sync_batchnorm: 40 BatchNorm layer(s) normalise over the global batch of 2 processes"));
        var (_, state) = CheckpointFile.Load(Path.Combine(run, "checkpoints", "last.pt"));
        Assert.That(state["plugin/sampler/localized"].item<long>(), Is.EqualTo(1));
        Assert.That(Directory.GetFiles(Path.Combine(run, "diagnostics"), "boxes-epoch-001.csv"), Has.Length.EqualTo(1));
        var updates = File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"contrastive-crop/update\""));
        Assert.That(updates, Is.EqualTo(1));
    }

    [Test]
    public void Resuming_a_two_rank_run_in_one_process_is_refused_with_exit_2()
    {
        MpiLaunch.RequireMpi();
        var recipe = new TinyRecipe();
        var (code, output) = MpiLaunch.RunCcrop(2, recipe.Folder, Limit, "run", Recipe(recipe, 1));
        Assert.That(code, Is.EqualTo(0), output);
        var resumed = MpiLaunch.RunCcrop(1, recipe.Folder, Limit, "run", "--resume", OnlyRun(recipe));
        Assert.That(resumed.ExitCode, Is.EqualTo(2), resumed.Output);
        Assert.That(resumed.Output, Does.Contain("trained on 2 process(es) but is being resumed on 1").And.Contain("mpirun -np 2 ccrop run --resume"));
    }

    [Test]
    public void A_global_batch_that_does_not_split_evenly_ends_every_rank_with_exit_2()
    {
        MpiLaunch.RequireMpi();
        var recipe = new TinyRecipe();
        var path = recipe.Write(TinyRecipe.Text().Replace("batch_size: 16", "batch_size: 15"));
        var (code, output) = MpiLaunch.RunCcrop(2, recipe.Folder, Limit, "run", path);
        Assert.That(code, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("pretrain.batch_size 15 is the global batch and must divide evenly among the 2 processes"));
    }
}
