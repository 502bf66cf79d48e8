using System.Globalization;
using System.Text;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Runtime;
using ContrastiveCrop.Engine.Training;
using TorchSharp;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// Runs a checked <see cref="RunPlan"/>: creates the run folder, writes the resolved recipe and the
/// manifest, pretrains, runs the downstream stages and writes the results table.
/// </summary>
public sealed class RunPipeline(PluginFactory factory, Action<string> console)
{
    /// <summary>Runs <paramref name="plan"/>; returns the run folder.</summary>
    public RunDirectory Execute(RunPlan plan, CancellationToken cancellation = default)
    {
        var recipe = plan.Recipe;
        var device = DeviceSelector.Select(recipe.Device, "device");
        if (recipe.Threads > 0) torch.set_num_threads(recipe.Threads);
        torch.manual_seed(recipe.Seed);

        var start = DateTime.UtcNow;
        var directory = RunDirectory.Create(recipe.OutputDir, recipe.Name, start);
        RunDirectory.WriteAtomically(directory.RecipeFile, RecipeWriter.ToYaml(plan.Resolved));
        var manifest = new RunManifest(
            Path.GetFullPath(plan.RecipePath), recipe.Seed, device.ToString(), HostDescription(),
            PluginVersions(plan), PackageVersions(), start, null, "running");
        directory.WriteManifest(manifest);
        console($"Run folder: {directory.Path}");

        using var run = new RunContext(directory, device, recipe.Seed, console, cancellation);
        try
        {
            var results = Stages(plan, run);
            WriteResults(directory, plan, results);
            directory.WriteManifest(manifest with { EndUtc = DateTime.UtcNow, Status = "finished" });
            return directory;
        }
        catch (Exception e)
        {
            directory.WriteManifest(manifest with { EndUtc = DateTime.UtcNow, Status = $"failed: {e.Message}" });
            run.Log($"FAILED: {e.Message}");
            throw;
        }
    }

    private List<(string Stage, IReadOnlyDictionary<string, double> Metrics)> Stages(RunPlan plan, RunContext run)
    {
        var results = new List<(string, IReadOnlyDictionary<string, double>)>();
        var dataSource = factory.Create<IDatasetSource>(plan.Data.Descriptor, plan.Data.Options, run);
        IBackbone? backbone = null;
        string? checkpoint = null;
        if (plan.Pretrain is var (backboneChoice, methodChoice, samplerChoice))
        {
            backbone = Create<IBackbone>(backboneChoice, run);
            var method = Create<ISiameseMethod>(methodChoice, run, backbone);
            var sampler = Create<ICropSampler>(samplerChoice, run);
            using var train = dataSource.Open("train");
            run.Log($"Pretraining {methodChoice.Descriptor.Name} + {samplerChoice.Descriptor.Name} on {train.Name} ({train.Count} images) with {backboneChoice.Descriptor.Name} on {run.Device}.");
            var pretrain = plan.Recipe.Pretrain!;
            ITrainingHook[] hooks = sampler is ILocalizingCropSampler
                ? [new BoxUpdateHook(pretrain.BatchSize, pretrain.ImageSize, ComparisonSampler.RandomResizedCrop(factory, pretrain.Sampler, run))]
                : [];
            var result = new PretrainingEngine(pretrain, run, hooks).Train(train, sampler, method, backbone, run.Log);
            checkpoint = result.CheckpointPath;
            results.Add(("pretrain", new Dictionary<string, double>
            {
                ["final_loss"] = result.FinalLoss, ["minutes"] = result.Seconds / 60, ["data_wait_fraction"] = result.DataWaitFraction,
            }));
        }
        foreach (var stage in plan.Evaluate)
        {
            if (backbone is null)
                throw new InvalidOperationException($"{stage.KeyPath}: downstream stages need a backbone; add a pretrain section.");
            var task = Create<IDownstreamTask>(stage, run);
            run.Log($"Running {stage.KeyPath}: {stage.Descriptor.Name}.");
            var result = task.Run(new DownstreamContext(backbone, run, dataSource, checkpoint));
            run.LogMetrics(stage.Descriptor.Name, 0, result.Metrics);
            results.Add((stage.Descriptor.Name, result.Metrics));
        }
        return results;
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
        RunDirectory.WriteAtomically(directory.ResultsFile, text.ToString());
    }

    private static IReadOnlyDictionary<string, string> PluginVersions(RunPlan plan)
    {
        var choices = new List<PluginChoice> { plan.Data };
        if (plan.Pretrain is var (b, m, s)) choices.AddRange([b, m, s]);
        choices.AddRange(plan.Evaluate);
        return choices.DistinctBy(c => c.Descriptor.Key).ToDictionary(
            c => c.Descriptor.Key.ToString(), c => $"{c.Descriptor.Version} ({c.Descriptor.AssemblyPath})");
    }

    private static IReadOnlyDictionary<string, string> PackageVersions() => new Dictionary<string, string>
    {
        ["TorchSharp"] = typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
        ["contracts"] = ContractsVersion.Text,
        [".NET"] = Environment.Version.ToString(),
    };

    private static string HostDescription() =>
        $"{Environment.MachineName}; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {Environment.ProcessorCount} cores";
}
