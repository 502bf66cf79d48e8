using System.CommandLine;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Training;
using Autofac;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Diagnostics;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Runtime;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Interop;
using ContrastiveCrop.Engine.Previews;
using TorchSharp;

using ContrastiveCrop.Distributed;

namespace ContrastiveCrop.Cli;

/// <summary>What each ccrop command does. This host is the only composition root.</summary>
internal static class Commands
{
    /// <summary>Exit code for a bad recipe, plugin or data set: the user can fix it.</summary>
    public const int UserError = 2;
    /// <summary>Exit code for a run stopped because training diverged.</summary>
    public const int Diverged = 3;

    /// <summary>Exit code for a run stopped by Ctrl+C or SIGTERM (128 + SIGINT, as shells report an interrupted program).</summary>
    public const int Interrupted = 130;

    /// <summary>Exit code for an error inside the program (a bug), never for a bad input.</summary>
    public const int Bug = 1;

    /// <summary>
    /// Runs <paramref name="body"/>, turning every error into an exit code and one line per problem on
    /// stderr: bad input (recipe, plugin, data, checkpoint, disk) exits 2, divergence 3, Ctrl+C 130, and
    /// anything else is a bug (exit 1). Stack traces only with --debug or CCROP_DEBUG=1.
    /// </summary>
    public static int Guard(ParseResult parse, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception thrown)
        {
            var e = Unwrap(thrown);
            var (code, message) = Classify(e);
            foreach (var line in message.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Console.Error.WriteLine($"error: {Printable(line.TrimEnd('\r'))}");
            if (Debugging(parse))
                Console.Error.WriteLine(thrown.ToString());
            return code;
        }
    }

    private static bool Debugging(ParseResult parse) =>
        parse.GetValue<bool>(CommandLine.DebugOption) ||
        Environment.GetEnvironmentVariable("CCROP_DEBUG") is "1" or "true" or "TRUE" or "yes";

    private static (int Code, string Message) Classify(Exception e) => e switch
    {
        TrainingDivergedException => (Diverged, e.Message),
        // Ctrl+C or SIGTERM: the run stopped at a safe point; its message says what was kept and how to continue.
        RunInterruptedException => (Interrupted, e.Message),
        OperationCanceledException => (Interrupted, "interrupted; checkpoints written so far are kept."),
        RecipeException or PluginException or DatasetException or CheckpointException or DeviceException or UsageException or InteropException or StageSetupException or DistributedSetupException
            or FileNotFoundException or DirectoryNotFoundException => (UserError, e.Message),
        // A full disk, a read-only folder or missing permissions are the machine's state, not a bug.
        IOException or UnauthorizedAccessException => (UserError, e.Message),
        _ => (Bug, $"{e.GetType().Name}: {OneLine(NativeErrorText.Message(e))} (a bug in ccrop or a plugin: please report it; " +
                   $"run again with {CommandLine.DebugOption} or CCROP_DEBUG=1 for the stack trace)"),
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Control characters (bytes of a damaged file quoted by a library) replaced, so a message cannot garble the terminal.</summary>
    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) && c != '\t' ? '?' : c));

    /// <summary>
    /// The exception that says what went wrong: parallel loops wrap a decoding error of one image in an
    /// <see cref="AggregateException"/>, reflection wraps constructors' exceptions; the first inner one
    /// names the file or option.
    /// </summary>
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException aggregate when aggregate.Flatten().InnerExceptions.Count > 0:
                    var inner = aggregate.Flatten().InnerExceptions;
                    e = inner.FirstOrDefault(IsUserError) ?? inner[0];
                    continue;
                case System.Reflection.TargetInvocationException { InnerException: { } invoked }:
                    e = invoked;
                    continue;
                default:
                    return e;
            }
        }
    }

    private static bool IsUserError(Exception e) => Classify(e).Code != Bug;

    public static int Run(string recipePath, string[] overrides, string[] pluginFolders)
    {
        var (plan, container) = Load(recipePath, overrides, pluginFolders);
        using var signals = InterruptSignals.Listen();
        using (container)
            return Finish(plan, pipeline => pipeline.Execute(plan, signals.Token), container);
    }

    public static int Resume(string runFolder, string? recipe, string[] overrides, string[] pluginFolders)
    {
        if (recipe is not null || overrides.Length > 0)
            throw new UsageException("--resume continues a run with its own recipe.yaml; do not pass a recipe or --set with it.");
        var directory = RunDirectory.Open(runFolder);
        var (plan, container) = Load(directory.RecipeFile, [], pluginFolders, directory.Path);
        using (container)
        {
            RequireResumePoint(plan, directory);
            var previous = directory.ReadManifest();
            foreach (var temp in directory.RemoveLeftoverTemporaryFiles())
                Console.WriteLine($"Removed '{temp}', an unfinished write of the interrupted run.");
            if (previous is not null) Console.WriteLine($"Resuming '{directory.Path}' (was: {previous.Status}).");
            using var signals = InterruptSignals.Listen();
            return Finish(plan, pipeline => pipeline.Resume(plan, directory, signals.Token), container);
        }
    }

    /// <summary>
    /// A run that pretrains resumes from its checkpoints/last.pt; without one, resuming would silently
    /// start again at epoch 1 and append a second history to the run's metrics, so it is refused.
    /// </summary>
    private static void RequireResumePoint(RunPlan plan, RunDirectory directory)
    {
        if (plan.Pretrain is null || plan.Recipe.FromCheckpoint is not null) return;
        var last = Path.Combine(directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        if (Directory.Exists(last))
            throw new CheckpointException($"'{last}' is a folder, not a checkpoint file: remove or rename it, or start a new run with 'ccrop run {directory.RecipeFile}'.");
        if (!File.Exists(last))
            throw new CheckpointException(
                $"'{directory.Path}' has no checkpoint to resume from ('{last}' does not exist: the run stopped before its first checkpoint). " +
                $"Start a new run with 'ccrop run {directory.RecipeFile}'.");
    }

    public static int EvaluateCheckpoint(string checkpoint, string? recipe, string[] overrides, string[] pluginFolders)
    {
        string from = checkpoint == BackboneCheckpoint.Random ? checkpoint : Path.GetFullPath(checkpoint);
        if (from != BackboneCheckpoint.Random && !File.Exists(from) && !Directory.Exists(from))
            throw new CheckpointException($"Checkpoint '{from}' does not exist. Give a checkpoint (.pt, .pth, .safetensors), a run folder, or 'random' with --recipe.");
        string? runFolder = checkpoint == BackboneCheckpoint.Random ? null
            : recipe is null ? Path.GetDirectoryName(RecipeOfRun(from))!
            : File.Exists(Path.Combine(RunFolderOf(from), "recipe.yaml")) ? Path.GetFullPath(RunFolderOf(from)) : null;
        recipe ??= runFolder is null
            ? throw new UsageException("ccrop eval checkpoint random needs --recipe (which data set and backbone?).")
            : Path.Combine(runFolder, "recipe.yaml");
        // Evaluation needs only the backbone, tasks and data: a plugin folder of the pretraining's sampler that has
        // since gone is not a reason to refuse.
        var (plan, container) = Load(recipe, overrides, [new OwnSetting($"from_checkpoint={from}", new SourceLocation("eval checkpoint", 1, 1) { Argument = checkpoint })],
                                     pluginFolders, runFolder, skipMissingRecipeFolders: true);
        using var signals = InterruptSignals.Listen();
        using (container)
            return Finish(plan, pipeline => pipeline.Execute(plan, signals.Token), container);
    }

    /// <summary>The recipe.yaml of the run <paramref name="from"/> belongs to; other sources need --recipe.</summary>
    private static string RecipeOfRun(string from)
    {
        if (from == BackboneCheckpoint.Random)
            throw new UsageException("ccrop eval checkpoint random needs --recipe (which data set and backbone?).");
        if (File.Exists(from) && CheckpointSniffer.Sniff(from) is var format && format != CheckpointFormat.ContrastiveCrop)
            throw new UsageException($"'{from}' is not a ccrop run's checkpoint ({CheckpointSniffer.Describe(format)}): give --recipe naming the data set, backbone and evaluate stages.");
        return RunDirectory.Open(RunFolderOf(from)).RecipeFile;
    }

    /// <summary>A run folder given directly, or the one holding checkpoints/&lt;file&gt;.pt.</summary>
    private static string RunFolderOf(string path) =>
        Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetDirectoryName(path)!)!;

    private static int Finish(RunPlan plan, Func<RunPipeline, RunDirectory> body, IContainer container)
    {
        // One process unless a launcher (mpirun, srun) started several and the recipe's distributed section allows it.
        var group = ProcessGroups.Start(plan.Recipe.Distributed, LaunchEnvironment.Current(),
                                        DeviceSelector.Select(plan.Recipe.Device, "device").type == DeviceType.CUDA);
        try
        {
            using var reporter = ConsoleReporter.Create();
            var directory = NamingPlugins(plan, container, () => body(new RunPipeline(container.Resolve<PluginFactory>(), reporter.Log, reporter, group)));
            if (group.Rank != 0) return 0;
            Conclude(directory);
            return 0;
        }
        catch (Exception e) when (group.WorldSize > 1)
        {
            // The other ranks would wait in their next collective: print this rank's one message and end them all with its exit code.
            var (code, message) = Classify(Unwrap(e));
            Console.Error.WriteLine($"error: {Printable(OneLine(message))}");
            Console.Error.WriteLine($"rank {group.Rank} of {group.WorldSize} failed; ending every rank.");
            ProcessGroups.AbortJob(group, code);
            return code;
        }
        finally
        {
            (group as IDisposable)?.Dispose();
        }
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
        // Checked before the crops are sampled; the sheet's folder is created like export's --out.
        if (output is not null && Directory.Exists(output))
            throw new UsageException($"--out '{Path.GetFullPath(output)}' is a folder: give the image file to write, e.g. --out {Path.Combine(output, "crops.png")}.");
        var (plan, container) = Load(recipePath, overrides, pluginFolders);
        using (container)
        {
            using var run = new PreviewRunContext(plan.Recipe.Seed, plan.Recipe.Normalization.ToNormalization());
            var rows = NamingPlugins(plan, container, () => CropPreview.Sample(plan, container.Resolve<PluginFactory>(), run, count, epoch));
            var (_, method, sampler) = plan.Pretrain!.Value;
            output = Path.GetFullPath(output ?? $"{plan.Recipe.Name}-crops-epoch-{epoch}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var colours = string.Join(", ", Enumerable.Range(0, rows[0].Crops.Count).Select(v => $"view {v + 1} {ContrastiveCrop.Imaging.Sheets.SheetDrawing.ViewColourName(v)}"));
            CropPreviewSheet.Write(output, rows,
                $"{sampler.Descriptor.Name} crops for {method.Descriptor.Name}'s views, epoch {epoch}, seed {plan.Recipe.Seed} (as the loader samples them)",
                $"each row: image #index with {colours}, then each view's crop");
            Console.WriteLine($"Crop preview ({rows.Count} images): {output}");
            return 0;
        }
    }

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
        foreach (var problem in catalog.Problems) Console.Error.WriteLine($"problem: {Printable(problem)}");
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
        var distributed = DistributedStatus.Probe();
        Console.WriteLine($"MPI                      {distributed.MpiLibrary}");
        Console.WriteLine($"launcher                 {(distributed.Launch is { } l ? $"{l.Launcher}: rank {l.Rank} of {l.WorldSize?.ToString() ?? "?"}" : "none (a plain ccrop run is one process)")}");
        Console.WriteLine($"NCCL                     {(distributed.NcclAvailable ? "libnccl.so.2 loads (CUDA runs: distributed.backend nccl; untested here)" : "libnccl.so.2 not found (needed only for multi-GPU runs)")}");
        return native.TorchLoaded ? 0 : 1;
    }

    public static int GenerateDetection(string output, string? fashionMnist, int count, int size, int seed, int classes, double clutter = 1, double saturation = 1)
    {
        RequireWritableOut(output);
        var settings = new DetectionSetGenerator.Settings(count, Math.Max(1, count / 5), size, seed, classes, fashionMnist, clutter, saturation);
        var names = DetectionSetGenerator.Generate(output, settings, Console.WriteLine);
        Console.WriteLine($"Done: {Path.GetFullPath(output)}: VOCdevkit/VOC{DetectionSetGenerator.Year} (trainval, test) and annotations/instances_{{trainval,test}}.json; classes {string.Join(", ", names)}.");
        return 0;
    }

    public static int GenerateObjectsOnClutter(string output, string? fashionMnist, int count, int size, int seed)
    {
        fashionMnist ??= FashionMnistFiles.Present(FashionMnistFiles.DebianRoot) ? FashionMnistFiles.DebianRoot : null;
        RequireWritableOut(output);
        var settings = new ObjectsOnClutterGenerator.Settings(count, Math.Max(1, count / 5), size, seed, fashionMnist);
        ObjectsOnClutterGenerator.Generate(output, settings, Console.WriteLine);
        Console.WriteLine($"Done: {Path.GetFullPath(output)} (read it with data: {{name: objects-on-clutter, root: {output}}}).");
        return 0;
    }

    /// <summary>
    /// Creates <paramref name="folder"/> and writes a probe file in it before any work, so that a folder that cannot be
    /// written is named as the <paramref name="option"/> the user typed (the first real write only said "Could not find file").
    /// </summary>
    /// <param name="folder">The folder that will be written.</param>
    /// <param name="option">What the user typed, e.g. <c>--out '/data/set'</c>.</param>
    /// <param name="what">What would be written there, e.g. "the data set".</param>
    internal static void RequireWritableFolder(string folder, string option, string what)
    {
        try
        {
            Directory.CreateDirectory(folder);
            RunPreflight.ProbeWrite(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write {what} there ({e.Message}); choose a writable folder.");
        }
    }

    private static void RequireWritableOut(string output)
    {
        var folder = Path.GetFullPath(output);
        RequireWritableFolder(folder, $"--out '{folder}'", "the data set");
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

    /// <summary>A setting a command makes itself, as an override after the user's --set ones, and the argument the user typed for it.</summary>
    internal sealed record OwnSetting(string Override, SourceLocation? Typed);

    /// <summary>
    /// Loads with the user's --set overrides followed by the command's own settings. An error in one of the command's
    /// settings names the argument the user typed (the checkpoint of 'eval checkpoint', --vary, --seeds), not a --set
    /// they never wrote; a setting without a typed argument keeps its --set form.
    /// </summary>
    internal static (RunPlan, IContainer) Load(string recipePath, string[] overrides, IReadOnlyList<OwnSetting> own, string[] pluginFolders,
                                              string? runFolder = null, bool skipMissingRecipeFolders = false)
    {
        try
        {
            return Load(recipePath, [.. overrides, .. own.Select(setting => setting.Override)], pluginFolders, runFolder, skipMissingRecipeFolders);
        }
        catch (RecipeException e)
        {
            // Override locations number the overrides from 1; the command's own follow the user's.
            throw new RecipeException(e.Errors.Select(error =>
                error.Location is { IsOverride: true } location && location.Line > overrides.Length
                && own[location.Line - overrides.Length - 1].Typed is { } typed
                    ? error with { Location = typed }
                    : error));
        }
    }

    /// <summary>
    /// Loads, binds and checks a recipe (<see cref="RunPreflight"/>): everything that can be found wrong
    /// before a run folder exists is found here, for <c>recipe check</c> and <c>run</c> alike.
    /// </summary>
    internal static (RunPlan, IContainer) Load(string recipePath, string[] overrides, string[] pluginFolders,
                                              string? runFolder = null, bool skipMissingRecipeFolders = false)
    {
        if (Directory.Exists(recipePath))
            throw new UsageException($"'{Path.GetFullPath(recipePath)}' is a folder; give the recipe's .yaml file (or --resume <run folder> to continue a run).");
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
            var factory = container.Resolve<PluginFactory>();
            var plan = RunPlan.Create(recipePath, resolved, factory);
            foreach (var warning in RunPreflight.Check(plan, factory, DeviceSelector.CudaDeviceCount, runFolder))
                Console.Error.WriteLine($"warning: {warning}");
            return (plan, container);
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
