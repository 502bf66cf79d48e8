using System.Globalization;
using System.Text;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Distributed;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Engine.Diagnostics;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Runtime;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Runs a checked <see cref="RunPlan"/>: creates the run folder (or reopens it to resume), writes the
/// resolved recipe and the manifest, pretrains (or loads a checkpoint's backbone), runs the downstream
/// stages and writes the results table.
/// </summary>
/// <param name="factory">Creates the plugins the plan names.</param>
/// <param name="console">Where log lines go besides the run log.</param>
/// <param name="reporter">Live progress display offered to every stage; null for log lines only.</param>
/// <param name="group">
/// The data-parallel job this process belongs to (null: one process). Rank 0 creates the run folder and writes every
/// file in it (recipe, manifest, metrics, checkpoints, results); the other ranks learn its path from rank 0 and compute.
/// </param>
public sealed class RunPipeline(PluginFactory factory, Action<string> console, IProgressReporter? reporter = null, IProcessGroup? group = null)
{
    private readonly IProcessGroup _group = group ?? SingleProcessGroup.Instance;

    /// <summary>Runs <paramref name="plan"/> in a new run folder; returns it.</summary>
    public RunDirectory Execute(RunPlan plan, CancellationToken cancellation = default)
    {
        var start = DateTime.UtcNow;
        RunDirectory? created = null;
        if (_group.Rank == 0)
        {
            created = RunDirectory.Create(plan.Recipe.OutputDir, plan.Recipe.Name, start);
            RunDirectory.WriteAtomically(created.RecipeFile, RecipeWriter.ToYaml(plan.Resolved));
        }
        // One folder per job: the other ranks' clocks and the folder's uniqueness suffix may differ from rank 0's.
        var directory = _group.WorldSize == 1 ? created! : RunDirectory.Open(ProcessGroupText.Broadcast(_group, created?.Path));
        return Run(plan, directory, null, resuming: false, start, cancellation);
    }

    /// <summary>
    /// Continues the run in <paramref name="directory"/> from its last checkpoint, with <paramref name="plan"/>
    /// built from the run's own recipe.yaml. Without a checkpoint the run starts from the beginning.
    /// </summary>
    public RunDirectory Resume(RunPlan plan, RunDirectory directory, CancellationToken cancellation = default)
    {
        RequireSameRanks(directory);
        var last = Path.Combine(directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        return Run(plan, directory, File.Exists(last) ? last : null, resuming: true, DateTime.UtcNow, cancellation);
    }

    private RunDirectory Run(RunPlan plan, RunDirectory directory, string? resumeFrom, bool resuming, DateTime start, CancellationToken cancellation)
    {
        var recipe = plan.Recipe;
        var device = DeviceSelector.Select(recipe.Device, "device");
        if (recipe.Threads > 0) torch.set_num_threads(recipe.Threads);
        torch.manual_seed(recipe.Seed);
        var manifest = new RunManifest(
            Path.GetFullPath(plan.RecipePath), recipe.Seed, device.ToString(), HostDescription(),
            PluginVersions(plan), PackageVersions(), start, null, resumeFrom is null ? "running" : $"running (resumed from {resumeFrom})", Ranks: _group.WorldSize);
        bool writes = _group.Rank == 0;
        if (writes) directory.WriteManifest(manifest);
        if (writes) console($"Run folder: {directory.Path}" + (_group.WorldSize > 1 ? $" ({_group.WorldSize} processes, {_group.Backend})" : ""));

        // A resumed run logs again what its predecessor logged after the checkpoint: those records are replaced, not repeated.
        using var run = new RunContext(directory, device, recipe.Seed, console, cancellation, recipe.Normalization.ToNormalization(), reporter, _group, resume: resuming);
        try
        {
            var results = Stages(plan, run, resumeFrom);
            if (writes) WriteResults(directory, plan, results);
            if (writes) directory.WriteManifest(manifest with { EndUtc = DateTime.UtcNow, Status = "finished" });
            return directory;
        }
        catch (Exception e) when (cancellation.IsCancellationRequested)
        {
            // Whatever the stop surfaced as (the loop's OperationCanceledException, a loader thread's), the user asked
            // for it: the run is interrupted, not failed, and resumable from its last checkpoint.
            if (writes) directory.TryWriteManifest(manifest with { EndUtc = DateTime.UtcNow, Status = "interrupted" });
            var message = InterruptedMessage(plan, directory);
            run.Log($"INTERRUPTED: {message}");
            throw new RunInterruptedException(message, e, cancellation);
        }
        catch (Exception e)
        {
            // A native error's first line only: its dozens of libtorch frames are for --debug, which prints the exception.
            if (writes) directory.TryWriteManifest(manifest with { EndUtc = DateTime.UtcNow, Status = $"failed: {NativeErrorText.Message(e)}" });
            run.Log($"FAILED: {NativeErrorText.Message(e)}");
            throw;
        }
    }

    /// <summary>What an interrupted run kept and the command that continues it.</summary>
    private static string InterruptedMessage(RunPlan plan, RunDirectory directory)
    {
        var last = Path.Combine(directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        if (File.Exists(last))
            return $"interrupted; the last checkpoint '{last}' is kept. Continue with: ccrop run --resume '{directory.Path}'";
        if (plan.Pretrain is not null && plan.Recipe.FromCheckpoint is null)
            return $"interrupted before the first pretraining checkpoint, so there is nothing to resume: start again with ccrop run '{plan.RecipePath}'";
        return $"interrupted. Continue with: ccrop run --resume '{directory.Path}'";
    }

    private List<(string Stage, IReadOnlyDictionary<string, double> Metrics)> Stages(RunPlan plan, RunContext run, string? resumeFrom)
    {
        var results = new List<(string, IReadOnlyDictionary<string, double>)>();
        var dataSource = factory.Create<IDatasetSource>(plan.Data.Descriptor, plan.Data.Options, run);
        IBackbone? backbone = null;
        string? checkpoint = null;
        if (plan.Recipe.FromCheckpoint is { } from && plan.Backbone is { } backboneOnly)
        {
            backbone = Create<IBackbone>(backboneOnly, run);
            checkpoint = BackboneCheckpoint.Load(backbone, from, plan.RecipePath, run);
        }
        else if (plan.Pretrain is var (backboneChoice, methodChoice, samplerChoice))
        {
            backbone = Create<IBackbone>(backboneChoice, run);
            var method = Create<ISiameseMethod>(methodChoice, run, backbone);
            if (plan.Recipe.Distributed.SyncBatchnorm && SyncBatchNorm.Apply(_group, method.Module) is var layers and > 0)
                run.Log($"distributed.sync_batchnorm: {layers} BatchNorm layer(s) normalise over the global batch of {_group.WorldSize} processes.");
            var sampler = Create<ICropSampler>(samplerChoice, run);
            using var train = dataSource.Open("train");
            run.Log($"Pretraining {methodChoice.Descriptor.Name} + {samplerChoice.Descriptor.Name} on {train.Name} ({train.Count} images) with {backboneChoice.Descriptor.Name} on {run.Device}.");
            var pretrain = plan.Recipe.Pretrain!;
            var hooks = new List<HookBase>();
            if (plan.Monitor is { } monitor)
                hooks.Add(new DownstreamMonitorHook(Create<IDownstreamTask>(monitor, run), monitor.Descriptor.Name, pretrain.Monitor!.Every, backbone, dataSource));
            var hookContext = new HookContext(PretrainingEngine.Stage, run, backbone, train, new EvalFeaturePass(pretrain.BatchSize, pretrain.ImageSize));
            hooks.AddRange(plan.Hooks.Select(h => Create<HookBase>(h, run, hookContext)));
            var result = new PretrainingEngine(pretrain, run, hooks).Train(train, sampler, method, backbone, resumeFrom);
            checkpoint = result.CheckpointPath;
            results.Add(("pretrain", new Dictionary<string, double>
            {
                ["final_loss"] = result.FinalLoss, ["minutes"] = result.Seconds / 60, ["data_wait_fraction"] = result.DataWaitFraction,
                ["images_per_second"] = result.ImagesPerSecond,
            }));
            results.AddRange(result.HookResults);
        }
        var labels = StageLabels.For(plan.Evaluate.Select((stage, i) => (stage.Descriptor.Name, (RecipeMapping)plan.Recipe.Evaluate[i])).ToList());
        // The n-th stage of a task is told so: two stages of one task name their files apart.
        var occurrences = plan.Evaluate.Select((stage, i) => plan.Evaluate.Take(i + 1).Count(s => s.Descriptor.Key == stage.Descriptor.Key)).ToList();
        void RunStages(IBackbone on, string? from, string? variant, Func<string, string> label, string how)
        {
            for (int i = 0; i < plan.Evaluate.Count; i++)
            {
                var stage = plan.Evaluate[i];
                run.Log($"Running {stage.KeyPath}{how}: {label(labels[i])}.");
                // Every stage starts from the run's seed, so its result does not depend on the stages before it and
                // `ccrop eval checkpoint <run>` with that stage alone reproduces it (a probe's head is drawn from this generator).
                torch.manual_seed(run.Seed);
                var result = Create<IDownstreamTask>(stage, run).Run(new DownstreamContext(on, run, dataSource, from, variant) { Occurrence = occurrences[i] });
                run.LogMetrics(label(labels[i]), 0, result.Metrics);
                results.Add((label(labels[i]), result.Metrics));
            }
        }
        if (plan.Evaluate.Count > 0 && backbone is null)
            throw new InvalidOperationException($"{plan.Evaluate[0].KeyPath}: downstream stages need a backbone; add a pretrain section or from_checkpoint.");
        if (backbone is not null) RunStages(backbone, checkpoint, null, l => l, "");
        if (plan.Recipe.RandomInitBaseline && plan.Backbone is { } architecture)
        {
            // Seeded as at the start of the run, so the baseline is the network pretraining started from
            // whenever the backbone's initialisation is the first draw, and the same untrained network on every resume.
            torch.manual_seed(run.Seed);
            RunStages(Create<IBackbone>(architecture, run), null, DownstreamContext.RandomInitVariant, BaselineLabel, " on the untrained backbone (random_init_baseline)");
        }
        return results;
    }

    /// <summary>The results-table label of a stage run on the untrained backbone.</summary>
    public static string BaselineLabel(string label) => $"{label} [random init]";

    /// <summary>A run resumes on as many processes as it started with: per-rank BatchNorm and the batch split depend on it.</summary>
    private void RequireSameRanks(RunDirectory directory)
    {
        if (!File.Exists(directory.ManifestFile)) return;
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(directory.ManifestFile));
        int ranks = manifest.RootElement.TryGetProperty("ranks", out var value) ? value.GetInt32() : 1;
        if (ranks != _group.WorldSize)
            throw new DistributedSetupException(
                $"'{directory.ManifestFile}': the run was trained on {ranks} process(es) but is being resumed on {_group.WorldSize}; " +
                $"resume it with {(ranks == 1 ? "a plain ccrop run --resume" : $"mpirun -np {ranks} ccrop run --resume")}.");
    }

    private T Create<T>(PluginChoice choice, RunContext run, params object[] extra) where T : class =>
        factory.Create<T>(choice.Descriptor, choice.Options, [.. extra, run]);

    private static void WriteResults(RunDirectory directory, RunPlan plan, List<(string Stage, IReadOnlyDictionary<string, double> Metrics)> results)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Results: {plan.Recipe.Name}").AppendLine();
        text.AppendLine("| stage | metric | value |").AppendLine("|---|---|---|");
        foreach (var (stage, metrics) in results)
        foreach (var (name, value) in metrics)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {name} | {value:G6} |");
        if (plan.Recipe.RandomInitBaseline) text.AppendLine().Append(BaselineTable(results));
        RunDirectory.WriteAtomically(directory.ResultsFile, text.ToString());
    }

    /// <summary>
    /// Durations and rates (names ending in <c>seconds</c>, <c>per_second</c> or <c>minutes</c>) measure the machine, not the
    /// backbone: they stay in the full table above but are left out of the comparison.
    /// </summary>
    private static bool IsTiming(string metric) =>
        metric.EndsWith("seconds", StringComparison.Ordinal) || metric.EndsWith("per_second", StringComparison.Ordinal) ||
        metric.EndsWith("minutes", StringComparison.Ordinal) || metric.StartsWith("train_seconds_", StringComparison.Ordinal);

    /// <summary>
    /// Every stage's metrics on the pretrained backbone beside the same metrics on the untrained one, with the
    /// difference: the comparison <c>random_init_baseline</c> exists for. Six cells a row, so readers of the
    /// three-cell table above (report, compare) skip it.
    /// </summary>
    public static string BaselineTable(IReadOnlyList<(string Stage, IReadOnlyDictionary<string, double> Metrics)> results)
    {
        var byLabel = results.GroupBy(r => r.Stage).ToDictionary(g => g.Key, g => g.Last().Metrics);
        var text = new StringBuilder();
        text.AppendLine("## Pretrained vs random init").AppendLine();
        text.AppendLine("| stage | metric | pretrained | random init | difference |").AppendLine("|---|---|---|---|---|");
        foreach (var (stage, metrics) in results)
        {
            if (!byLabel.TryGetValue(BaselineLabel(stage), out var baseline)) continue;
            foreach (var (name, value) in metrics)
                if (baseline.TryGetValue(name, out var other) && !IsTiming(name))
                    text.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {name} | {value:G6} | {other:G6} | {value - other:+0.###;-0.###;0} |");
        }
        return text.ToString();
    }

    private static IReadOnlyDictionary<string, string> PluginVersions(RunPlan plan)
    {
        var choices = new List<PluginChoice> { plan.Data };
        if (plan.Backbone is { } backbone) choices.Add(backbone);
        if (plan.Pretrain is var (_, m, s)) choices.AddRange([m, s]);
        if (plan.Monitor is { } monitor) choices.Add(monitor);
        choices.AddRange(plan.Hooks);
        choices.AddRange(plan.Evaluate);
        return choices.DistinctBy(c => c.Descriptor.Key).ToDictionary(
            c => c.Descriptor.Key.ToString(), c => $"{c.Descriptor.Version} ({c.Descriptor.AssemblyPath})");
    }

    private static IReadOnlyDictionary<string, string> PackageVersions() => new Dictionary<string, string>
    {
        ["TorchSharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        ["contracts"] = ContractsVersion.Text,
        ["sdk"] = ContrastiveCrop.Sdk.SdkVersion.Text,
        [".NET"] = Environment.Version.ToString(),
    };

    private static string HostDescription() =>
        $"{Environment.MachineName}; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {Environment.ProcessorCount} cores";
}
