using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Training;
using Autofac;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Runtime;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Engine.Previews;
using TorchSharp;

namespace ContrastiveCrop.Cli;

/// <summary>What each ccrop command does. This host is the only composition root.</summary>
internal static class Commands
{
    /// <summary>Exit code for a bad recipe, plugin or data set: the user can fix it.</summary>
    public const int UserError = 2;
    /// <summary>Exit code for a run stopped because training diverged.</summary>
    public const int Diverged = 3;

    /// <summary>Runs <paramref name="body"/>, turning every error into one message on stderr and an exit code.</summary>
    public static int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is RecipeException or PluginException or DatasetException or FileNotFoundException
                                       or DirectoryNotFoundException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
        catch (CheckpointException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UserError;
        }
        catch (TrainingDivergedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Diverged;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("error: interrupted; checkpoints written so far are kept.");
            return 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            Console.Error.WriteLine("This is a bug or an environment problem; the stack trace follows.");
            Console.Error.WriteLine(e.StackTrace);
            return 1;
        }
    }

    public static int Run(string recipePath, string[] overrides, string[] pluginFolders)
    {
        var (plan, container) = Load(recipePath, overrides, pluginFolders);
        using (container)
            return Finish(plan, pipeline => pipeline.Execute(plan, CancelOnCtrlC()), container);
    }

    public static int Resume(string runFolder, string? recipe, string[] overrides, string[] pluginFolders)
    {
        if (recipe is not null || overrides.Length > 0)
            throw new ArgumentException("--resume continues a run with its own recipe.yaml; do not pass a recipe or --set with it.");
        var directory = RunDirectory.Open(runFolder);
        var (plan, container) = Load(directory.RecipeFile, [], pluginFolders, directory.Path);
        using (container)
            return Finish(plan, pipeline => pipeline.Resume(plan, directory, CancelOnCtrlC()), container);
    }

    public static int EvaluateCheckpoint(string checkpoint, string? recipe, string[] overrides, string[] pluginFolders)
    {
        string from = checkpoint == BackboneCheckpoint.Random ? checkpoint : Path.GetFullPath(checkpoint);
        string? runFolder = checkpoint == BackboneCheckpoint.Random ? null
            : recipe is null ? RunDirectory.Open(RunFolderOf(from)).Path
            : File.Exists(Path.Combine(RunFolderOf(from), "recipe.yaml")) ? Path.GetFullPath(RunFolderOf(from)) : null;
        recipe ??= runFolder is null
            ? throw new ArgumentException("ccrop eval checkpoint random needs --recipe (which data set and backbone?).")
            : Path.Combine(runFolder, "recipe.yaml");
        // Evaluation needs only the backbone, tasks and data: a plugin folder of the pretraining's sampler that has
        // since gone is not a reason to refuse.
        var (plan, container) = Load(recipe, [.. overrides, $"from_checkpoint={from}"], pluginFolders, runFolder, skipMissingRecipeFolders: true);
        using (container)
            return Finish(plan, pipeline => pipeline.Execute(plan, CancelOnCtrlC()), container);
    }

    /// <summary>A run folder given directly, or the one holding checkpoints/&lt;file&gt;.pt.</summary>
    private static string RunFolderOf(string path) =>
        Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetDirectoryName(path)!)!;

    private static int Finish(RunPlan plan, Func<RunPipeline, RunDirectory> body, IContainer container)
    {
        using var reporter = ConsoleReporter.Create();
        var directory = NamingPlugins(plan, container, () => body(new RunPipeline(container.Resolve<PluginFactory>(), reporter.Log, reporter)));
        foreach (var plot in CurvePlots.Write(directory)) Console.WriteLine($"Plot: {plot}");
        Console.WriteLine($"Done. Results: {directory.ResultsFile}");
        return 0;
    }

    /// <summary>Runs <paramref name="body"/>; an exception thrown by plugin code becomes one message naming the plugin (exit 2).</summary>
    private static T NamingPlugins<T>(RunPlan plan, IContainer container, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (PluginFailure.Attribute(e, container.Resolve<PluginCatalog>(), plan.Choices.Select(c => c.Descriptor)) is { } named)
        {
            throw named;
        }
    }

    private static CancellationToken CancelOnCtrlC()
    {
        var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return cancel.Token;
    }

    public static int CheckRecipe(string recipePath, string[] overrides, string[] pluginFolders)
    {
        var (plan, container) = Load(recipePath, overrides, pluginFolders);
        using (container)
        {
            Console.Write(RecipeWriter.ToYaml(plan.Resolved));
            Console.Error.WriteLine($"Recipe OK: {Path.GetFullPath(recipePath)}");
            return 0;
        }
    }

    public static int PreviewCrops(string recipePath, string[] overrides, string[] pluginFolders, int count, int epoch, string? output)
    {
        var (plan, container) = Load(recipePath, overrides, pluginFolders);
        using (container)
        {
            using var run = new PreviewRunContext(plan.Recipe.Seed, plan.Recipe.Normalization.ToNormalization());
            var rows = NamingPlugins(plan, container, () => CropPreview.Sample(plan, container.Resolve<PluginFactory>(), run, count, epoch));
            var (_, method, sampler) = plan.Pretrain!.Value;
            output = Path.GetFullPath(output ?? $"{plan.Recipe.Name}-crops-epoch-{epoch}.png");
            var colours = string.Join(", ", Enumerable.Range(0, rows[0].Crops.Count).Select(v => $"view {v + 1} {ViewColourName(v)}"));
            CropPreviewSheet.Write(output, rows,
                $"{sampler.Descriptor.Name} crops for {method.Descriptor.Name}'s views, epoch {epoch}, seed {plan.Recipe.Seed} (as the loader samples them)",
                $"each row: image #index with {colours}, then each view's crop");
            Console.WriteLine($"Crop preview ({rows.Count} images): {output}");
            return 0;
        }
    }

    private static string ViewColourName(int view) => (view % CropPreviewSheet.ViewColours.Length) switch
    {
        0 => "yellow", 1 => "blue", 2 => "magenta", _ => "green",
    };

    public static int ListPlugins(string[] pluginFolders)
    {
        var catalog = PluginDiscovery.Discover(PluginFolders(pluginFolders));
        Console.WriteLine($"Plugin contracts {ContractsVersion.Text}");
        Console.WriteLine($"{"kind",-16} {"name",-24} {"version",-10} assembly");
        foreach (var d in catalog.All)
        {
            Console.WriteLine($"{PluginKinds.DisplayName(d.Kind),-16} {d.Name,-24} {d.Version,-10} {d.AssemblyPath}");
            // The plugin's own one-line description, under its row, so the table's columns stay aligned.
            Console.WriteLine($"{"",-16} {(string.IsNullOrWhiteSpace(d.Description) ? "(no description)" : d.Description)}");
        }
        foreach (var problem in catalog.Problems) Console.Error.WriteLine($"problem: {problem}");
        return catalog.Problems.Count == 0 ? 0 : UserError;
    }

    public static int Doctor(string[] pluginFolders)
    {
        var native = NativeRuntimeStatus.Probe(AppContext.BaseDirectory);
        Console.WriteLine($"libLibTorchSharp.so      {native.LibTorchSharpPath ?? "not found"}");
        Console.WriteLine($"  {NativeRuntimeStatus.GlibcxxVersion} need   {native.GlibcxxRequirement}");
        Console.WriteLine($"system libstdc++         {native.SystemLibstdcxx}");
        Console.WriteLine($"TorchSharp               {(native.TorchLoaded ? "loads and computes" : "FAILED: " + native.TorchError)}");
        if (native.TorchLoaded)
        {
            bool cuda = torch.cuda.is_available();
            Console.WriteLine($"device (auto)            {(cuda ? $"cuda ({torch.cuda.device_count()} device(s))" : "cpu (no CUDA device)")}");
            Console.WriteLine($"threads                  {torch.get_num_threads()} compute, {Environment.ProcessorCount} logical processors");
        }
        var catalog = PluginDiscovery.Discover(PluginFolders(pluginFolders));
        Console.WriteLine($"plugins                  {catalog.All.Count} found, {catalog.Problems.Count} problem(s)");
        using var container = Compose(catalog);
        var factory = container.Resolve<PluginFactory>();
        foreach (var d in catalog.All.Where(d => d.Kind == PluginKind.DatasetSource))
            Console.WriteLine($"data set                 {d.Name}: {DatasetStatus(factory, d)}");
        return native.TorchLoaded ? 0 : 1;
    }

    public static int GenerateDetection(string output, string? fashionMnist, int count, int size, int seed, int classes)
    {
        var settings = new DetectionSetGenerator.Settings(count, Math.Max(1, count / 5), size, seed, classes, fashionMnist);
        var names = DetectionSetGenerator.Generate(output, settings, Console.WriteLine);
        Console.WriteLine($"Done: {Path.GetFullPath(output)}: VOCdevkit/VOC{DetectionSetGenerator.Year} (trainval, test) and annotations/instances_{{trainval,test}}.json; classes {string.Join(", ", names)}.");
        return 0;
    }

    public static int GenerateObjectsOnClutter(string output, string? fashionMnist, int count, int size, int seed)
    {
        fashionMnist ??= FashionMnistFiles.Present(FashionMnistFiles.DebianRoot) ? FashionMnistFiles.DebianRoot : null;
        var settings = new ObjectsOnClutterGenerator.Settings(count, Math.Max(1, count / 5), size, seed, fashionMnist);
        ObjectsOnClutterGenerator.Generate(output, settings, Console.WriteLine);
        Console.WriteLine($"Done: {Path.GetFullPath(output)} (read it with data: {{name: objects-on-clutter, root: {output}}}).");
        return 0;
    }

    private static string DatasetStatus(PluginFactory factory, PluginDescriptor d)
    {
        try
        {
            var options = d.OptionsType is null ? null : RecipeBinder.Bind(d.OptionsType, RecipeMapping.Empty(new SourceLocation("defaults", 1, 1)), "data");
            var source = factory.Create<IDatasetSource>(d, options);
            using var first = source.Open(source.Splits[0]);
            return $"available ({source.Splits[0]}: {first.Count} images)";
        }
        catch (Exception e) when (e is DatasetException or RecipeException or PluginException)
        {
            return "not available with default options: " + e.Message.Split('\n')[0];
        }
    }

    private static (RunPlan, IContainer) Load(string recipePath, string[] overrides, string[] pluginFolders,
                                              string? runFolder = null, bool skipMissingRecipeFolders = false)
    {
        if (!File.Exists(recipePath))
            throw new FileNotFoundException($"Recipe '{Path.GetFullPath(recipePath)}' does not exist.", recipePath);
        var resolved = RecipeLoader.Load(recipePath, overrides);
        // Full paths, --plugins included: the run folder's recipe.yaml must find the same plugins from anywhere.
        resolved = RecipePluginFolders.MakeAbsolute(recipePath, resolved, pluginFolders);
        var recipeFolders = RunPlan.PluginFoldersOf(recipePath, resolved);
        if (skipMissingRecipeFolders)
        {
            foreach (var missing in recipeFolders.Where(f => !Directory.Exists(f)))
                Console.Error.WriteLine($"warning: the run's plugin folder '{missing}' no longer exists; evaluating without it.");
            recipeFolders = recipeFolders.Where(Directory.Exists).ToList();
        }
        var catalog = PluginDiscovery.Discover(PluginFolders([]).Concat(recipeFolders));
        catalog.EnsureNoProblems();
        if (overrides.Length > 0)
            resolved = PluginSwap.DropPreviousPluginOptions(RecipeLoader.Load(recipePath, []), resolved, catalog,
                notice => Console.Error.WriteLine($"note: {notice}"));
        var container = Compose(catalog);
        try
        {
            return (RunPlan.Create(recipePath, resolved, container.Resolve<PluginFactory>()), container);
        }
        catch (PluginException e) when (runFolder is not null && e.UnknownPlugin is { } key && ManifestPlugins.AssemblyOf(runFolder, key) is { } dll)
        {
            container.Dispose();
            var fix = File.Exists(dll)
                ? $"pass --plugins '{Path.GetDirectoryName(dll)}'"
                : $"that file is gone: put the plugin back, or pass --plugins with the folder that now holds {Path.GetFileName(dll)}";
            throw new PluginException($"{e.Message} The run loaded it from '{dll}': {fix}.", e) { UnknownPlugin = key };
        }
        catch
        {
            container.Dispose();
            throw;
        }
    }

    /// <summary>The composition root: plugins from the catalogue, keyed by kind and name.</summary>
    private static IContainer Compose(PluginCatalog catalog)
    {
        var builder = new ContainerBuilder();
        builder.RegisterModule(new PluginModule(catalog));
        return builder.Build();
    }

    /// <summary>The plugins/ folder beside ccrop, then the folders given with --plugins.</summary>
    private static IEnumerable<string> PluginFolders(string[] extra) =>
        new[] { Path.Combine(AppContext.BaseDirectory, "plugins") }.Concat(extra);
}
