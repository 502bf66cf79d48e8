using Autofac;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Runtime;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Engine.Training;
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
            return Finish(pipeline => pipeline.Execute(plan, CancelOnCtrlC()), container);
    }

    public static int Resume(string runFolder, string? recipe, string[] overrides, string[] pluginFolders)
    {
        if (recipe is not null || overrides.Length > 0)
            throw new ArgumentException("--resume continues a run with its own recipe.yaml; do not pass a recipe or --set with it.");
        var directory = RunDirectory.Open(runFolder);
        var (plan, container) = Load(directory.RecipeFile, [], pluginFolders);
        using (container)
            return Finish(pipeline => pipeline.Resume(plan, directory, CancelOnCtrlC()), container);
    }

    public static int EvaluateCheckpoint(string checkpoint, string? recipe, string[] overrides, string[] pluginFolders)
    {
        string from = checkpoint == BackboneCheckpoint.Random ? checkpoint : Path.GetFullPath(checkpoint);
        recipe ??= checkpoint == BackboneCheckpoint.Random
            ? throw new ArgumentException("ccrop eval checkpoint random needs --recipe (which data set and backbone?).")
            : RunDirectory.Open(RunFolderOf(from)).RecipeFile;
        var (plan, container) = Load(recipe, [.. overrides, $"from_checkpoint={from}"], pluginFolders);
        using (container)
            return Finish(pipeline => pipeline.Execute(plan, CancelOnCtrlC()), container);
    }

    /// <summary>A run folder given directly, or the one holding checkpoints/&lt;file&gt;.pt.</summary>
    private static string RunFolderOf(string path) =>
        Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetDirectoryName(path)!)!;

    private static int Finish(Func<RunPipeline, RunDirectory> body, IContainer container)
    {
        using var reporter = ConsoleReporter.Create();
        var directory = body(new RunPipeline(container.Resolve<PluginFactory>(), reporter.Log, reporter));
        Conclude(directory);
        return 0;
    }

    /// <summary>After a run: curve plots, the collapse warning if any, the results and report paths (the report last).</summary>
    public static void Conclude(RunDirectory directory)
    {
        foreach (var plot in CurvePlots.Write(directory)) Console.WriteLine($"Plot: {plot}");
        foreach (var warning in RunReport.CollapseWarnings(RunFolder.Read(directory.Path)).TakeLast(1)) Console.WriteLine(warning);
        Console.WriteLine($"Done. Results: {directory.ResultsFile}");
        Console.WriteLine($"Report: {RunReport.Write(directory.Path)}");
    }

    public static int Report(string runFolder)
    {
        Console.WriteLine($"Report: {RunReport.Write(runFolder)}");
        return 0;
    }

    internal static CancellationToken CancelOnCtrlC()
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

    public static int ListPlugins(string[] pluginFolders)
    {
        var catalog = PluginDiscovery.Discover(PluginFolders(pluginFolders));
        Console.WriteLine($"Plugin contracts {ContractsVersion.Text}");
        Console.WriteLine($"{"kind",-16} {"name",-24} {"version",-10} assembly");
        foreach (var d in catalog.All)
            Console.WriteLine($"{PluginKinds.DisplayName(d.Kind),-16} {d.Name,-24} {d.Version,-10} {d.AssemblyPath}");
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

    internal static (RunPlan, IContainer) Load(string recipePath, string[] overrides, string[] pluginFolders)
    {
        if (!File.Exists(recipePath))
            throw new FileNotFoundException($"Recipe '{Path.GetFullPath(recipePath)}' does not exist.", recipePath);
        var resolved = RecipeLoader.Load(recipePath, overrides);
        var folders = PluginFolders(pluginFolders).Concat(RunPlan.PluginFoldersOf(recipePath, resolved));
        var catalog = PluginDiscovery.Discover(folders);
        catalog.EnsureNoProblems();
        var container = Compose(catalog);
        try
        {
            return (RunPlan.Create(recipePath, resolved, container.Resolve<PluginFactory>()), container);
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
