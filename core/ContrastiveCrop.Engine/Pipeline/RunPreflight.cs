using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runtime;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Interop;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// The checks of a bound <see cref="RunPlan"/> against the machine and the data, made before a run folder
/// exists or any training starts, and shared by <c>ccrop recipe check</c> and <c>ccrop run</c>: the device
/// is available, the output folder can be written, the checkpoint to evaluate exists and fits the recipe's backbone
/// (read from its headers, <see cref="CheckpointFit"/>), and every split a
/// stage reads exists (read from headers and folder listings) and holds enough images for the batch size
/// and the stages' own minimums (kNN's k), and every plugin's own files (<see cref="IInputChecks"/>, e.g. a
/// detection stage's devkit) are usable. Every problem is reported together, at the recipe key to change.
/// </summary>
public static class RunPreflight
{
    /// <summary>
    /// Runs every check; throws one <see cref="RecipeException"/> listing the problems found. Returns the
    /// warnings (one line each) that do not stop the run, such as an empty class folder.
    /// </summary>
    /// <param name="plan">The bound recipe.</param>
    /// <param name="factory">Creates the data-set plugin, to read its headers.</param>
    /// <param name="cudaDeviceCount">How many CUDA devices are usable; asked only when the recipe names CUDA.</param>
    /// <param name="runFolder">For a resumed run, its existing folder (checked for writing instead of <c>output_dir</c>).</param>
    public static IReadOnlyList<string> Check(RunPlan plan, PluginFactory factory, Func<int> cudaDeviceCount, string? runFolder = null)
    {
        var errors = new List<RecipeError>();
        var warnings = new List<string>();
        CheckDevice(plan, cudaDeviceCount, errors);
        CheckBackend(plan, cudaDeviceCount, errors);
        CheckThreads(plan, errors);
        if (runFolder is null)
            CheckWritableFolder(plan.Recipe.OutputDir, "output_dir", plan, errors);
        else
            CheckWritableFolder(runFolder, "", plan, errors);
        // The recipe's backbone, built untrained once for the checks that compare tensors with it (null: it cannot be built here).
        var backbone = new Lazy<Dictionary<string, long[]>?>(() => BackboneShapes(plan, factory));
        CheckCheckpoint(plan, backbone, errors);
        CheckData(plan, factory, errors, warnings);
        CheckPluginInputs(plan, errors);
        CheckBackboneUse(plan, backbone, errors);
        if (errors.Count > 0) throw new RecipeException(errors);
        return warnings;
    }

    /// <summary>
    /// The stages that need something of the backbone (<see cref="IBackboneChecks"/>) against the recipe's backbone,
    /// built untrained here: a detector whose depth differs from the pretrained network's is reported now, not after
    /// the pretraining. A backbone plugin that cannot be built without a run skips the check (the stage still checks at run time).
    /// </summary>
    private static void CheckBackboneUse(RunPlan plan, Lazy<Dictionary<string, long[]>?> backbone, List<RecipeError> errors)
    {
        var stages = plan.Evaluate.Where(s => s.Options is IBackboneChecks).ToList();
        if (stages.Count == 0 || plan.Backbone is not { } architecture || backbone.Value is not { } shapes) return;
        foreach (var stage in stages)
            foreach (var problem in ((IBackboneChecks)stage.Options!).CheckBackbone(shapes, architecture.KeyPath))
            {
                var keyPath = problem.Key.Length == 0 ? stage.KeyPath : $"{stage.KeyPath}.{problem.Key}";
                errors.Add(new RecipeError(Locate(plan.Resolved, keyPath), keyPath, problem.Message));
            }
    }

    /// <summary>The recipe's backbone's tensor shapes by name, from the plugin built untrained; null when it cannot be built without a run.</summary>
    private static Dictionary<string, long[]>? BackboneShapes(RunPlan plan, PluginFactory factory)
    {
        if (plan.Backbone is not { } architecture) return null;
        try
        {
            var backbone = factory.Create<IBackbone>(architecture.Descriptor, architecture.Options);
            using (backbone.Network)
                return backbone.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static void CheckDevice(RunPlan plan, Func<int> cudaDeviceCount, List<RecipeError> errors)
    {
        // auto never fails, and deciding it would load CUDA for nothing.
        if (plan.Recipe.Device.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)) return;
        try
        {
            DeviceSelector.Resolve(plan.Recipe.Device, "device", cudaDeviceCount);
        }
        catch (DeviceException e)
        {
            var message = e.Message.StartsWith("device: ", StringComparison.Ordinal) ? e.Message["device: ".Length..] : e.Message;
            errors.Add(new RecipeError(Locate(plan.Resolved, "device"), "device", message));
        }
    }

    /// <summary>
    /// NCCL carries CUDA tensors only: with a CPU device the run fails as soon as a launcher starts it. Reported here too,
    /// so <c>recipe check</c> (run without a launcher) finds it.
    /// </summary>
    private static void CheckBackend(RunPlan plan, Func<int> cudaDeviceCount, List<RecipeError> errors)
    {
        if (plan.Recipe.Distributed.Backend != ContrastiveCrop.Distributed.DistributedBackend.Nccl) return;
        string device;
        try
        {
            device = DeviceSelector.Resolve(plan.Recipe.Device, "device", cudaDeviceCount);
        }
        catch (DeviceException)
        {
            return; // CheckDevice reports it.
        }
        if (device == "cpu")
            errors.Add(new RecipeError(Locate(plan.Resolved, "distributed.backend"), "distributed.backend",
                $"nccl carries CUDA tensors only, but the run's device is the CPU (device: {plan.Recipe.Device}); use backend mpi or auto"));
    }

    /// <summary>Compute threads per logical processor above which more threads only contend for the same cores.</summary>
    public const int MaxThreadsPerProcessor = 4;

    private static void CheckThreads(RunPlan plan, List<RecipeError> errors)
    {
        int limit = MaxThreadsPerProcessor * Environment.ProcessorCount;
        if (plan.Recipe.Threads > limit)
            errors.Add(new RecipeError(Locate(plan.Resolved, "threads"), "threads",
                $"{plan.Recipe.Threads} compute threads on a machine with {Environment.ProcessorCount} logical processors would only contend " +
                $"for them; use at most {limit}, or 0 for TorchSharp's default"));
    }

    /// <summary>
    /// Checks that <paramref name="folder"/> is (or can be created as) a folder this process can write, by
    /// writing and deleting a probe file in it or in its nearest existing ancestor. Nothing is created.
    /// </summary>
    private static void CheckWritableFolder(string folder, string key, RunPlan plan, List<RecipeError> errors)
    {
        var full = Path.GetFullPath(folder);
        var location = key.Length == 0 ? null : Locate(plan.Resolved, key);
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                errors.Add(new RecipeError(location, key, existing == full
                    ? $"'{full}' is a file, not a folder: choose a folder for the run folders"
                    : $"'{full}' cannot be created because '{existing}' is a file: choose another folder"));
                return;
            }
            var parent = Path.GetDirectoryName(existing);
            if (parent is null) break;
            existing = parent;
        }
        try
        {
            ProbeWrite(existing);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var what = existing == full ? $"'{full}'" : $"'{existing}' (to create '{full}')";
            errors.Add(new RecipeError(location, key, $"cannot write in {what}: {e.Message} Choose a writable folder."));
            return;
        }
        // An empty probe file needs no space: a full disk passed the probe and failed at the run's first file.
        if (FreeBytes(existing) is { } free && free < MinFreeBytes)
            errors.Add(new RecipeError(location, key,
                $"the disk holding '{existing}' has {free / 1024} KiB free; a run writes its recipe, manifest, logs and checkpoints there " +
                $"(at least {MinFreeBytes >> 10} KiB is required): free space or choose another folder"));
    }

    /// <summary>
    /// Creates and deletes an empty file in the existing <paramref name="folder"/>: permissions, read-only mounts and ACLs
    /// all decide whether a write succeeds, so trying one is the only reliable test.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be written (or does not exist).</exception>
    /// <exception cref="UnauthorizedAccessException">This process may not write there.</exception>
    public static void ProbeWrite(string folder)
    {
        var probe = Path.Combine(folder, $".ccrop-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
    }

    /// <summary>The least free space a run folder is started with: its first files, before any checkpoint.</summary>
    public const long MinFreeBytes = 64L << 10;

    /// <summary>Bytes free to this user on the file system holding <paramref name="folder"/>; null when the system cannot say.</summary>
    private static long? FreeBytes(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static void CheckCheckpoint(RunPlan plan, Lazy<Dictionary<string, long[]>?> backbone, List<RecipeError> errors)
    {
        if (plan.Recipe.FromCheckpoint is not { } from || from == BackboneCheckpoint.Random) return;
        var location = Locate(plan.Resolved, "from_checkpoint");
        string path;
        try
        {
            path = BackboneCheckpoint.Resolve(from, plan.RecipePath);
        }
        catch (CheckpointException e)
        {
            errors.Add(new RecipeError(location, "", e.Message));
            return;
        }
        try
        {
            if (backbone.Value is { } model && CheckpointFit.Check(path, model) is { } problem)
                errors.Add(new RecipeError(location, "from_checkpoint", problem));
        }
        catch (Exception e) when (e is CheckpointException or InteropException or IOException or UnauthorizedAccessException)
        {
            errors.Add(new RecipeError(location, "from_checkpoint", e.Message));
        }
    }

    private static void CheckData(RunPlan plan, PluginFactory factory, List<RecipeError> errors, List<string> warnings)
    {
        var requirements = Requirements(plan).ToList();
        if (requirements.Count == 0) return;
        IDatasetSource source;
        try
        {
            source = factory.Create<IDatasetSource>(plan.Data.Descriptor, plan.Data.Options);
        }
        catch (PluginException)
        {
            // A data set that needs the run's services to be constructed is checked when the run opens it.
            return;
        }

        var dataLocation = Locate(plan.Resolved, "data");
        var headers = new Dictionary<string, DatasetHeader?>(StringComparer.Ordinal);
        foreach (var (requirement, keyPath) in requirements)
        {
            if (!headers.TryGetValue(requirement.Split, out var header))
            {
                // One unusable split usually means a wrong root: the other splits would repeat it.
                if (headers.ContainsValue(null)) continue;
                header = Inspect(source, requirement.Split, keyPath, plan, dataLocation, errors);
                headers[requirement.Split] = header;
                if (header is not null) warnings.AddRange(header.Warnings);
            }
            if (header is not null && header.Count < requirement.MinimumImages)
                errors.Add(new RecipeError(Locate(plan.Resolved, keyPath), keyPath,
                    $"{requirement.Reason}, but the '{requirement.Split}' split of {plan.Data.Descriptor.Name} has only {header.Count} images"));
        }
    }

    /// <summary>
    /// The files each plugin names in its own options, through <see cref="IInputChecks"/>: the engine does not know
    /// what a plugin reads, only that its options can say whether it is there.
    /// </summary>
    private static void CheckPluginInputs(RunPlan plan, List<RecipeError> errors)
    {
        foreach (var choice in plan.Choices.DistinctBy(c => c.KeyPath))
        {
            if (choice.Options is not IInputChecks checks) continue;
            foreach (var problem in checks.CheckInputs())
            {
                var keyPath = problem.Key.Length == 0 ? choice.KeyPath : $"{choice.KeyPath}.{problem.Key}";
                errors.Add(new RecipeError(Locate(plan.Resolved, keyPath), keyPath, problem.Message));
            }
        }
    }

    private static DatasetHeader? Inspect(IDatasetSource source, string split, string readBy, RunPlan plan, SourceLocation? location, List<RecipeError> errors)
    {
        try
        {
            return source.Inspect(split);
        }
        catch (Exception e) when (e is DatasetException or IOException or UnauthorizedAccessException)
        {
            errors.Add(new RecipeError(location, "data",
                $"the '{split}' split (read by {readBy}) of {plan.Data.Descriptor.Name} cannot be used: {e.Message}"));
            return null;
        }
    }

    /// <summary>Every split the plan reads, with the fewest images it needs and the recipe key that asks.</summary>
    private static IEnumerable<(DataRequirement Requirement, string KeyPath)> Requirements(RunPlan plan)
    {
        if (plan.Pretrain is not null && plan.Recipe.FromCheckpoint is null && plan.Recipe.Pretrain is { } pretrain)
            yield return (new DataRequirement("train", pretrain.BatchSize, "batch_size",
                $"a pretraining step takes batch_size = {pretrain.BatchSize} training images"), "pretrain.batch_size");
        var stages = new List<PluginChoice>();
        if (plan.Monitor is { } monitor) stages.Add(monitor);
        stages.AddRange(plan.Evaluate);
        foreach (var stage in stages)
        {
            if (stage.Options is not IDataRequirements needs) continue;
            foreach (var requirement in needs.DataRequirements())
                yield return (requirement, $"{stage.KeyPath}.{requirement.Key}");
        }
    }

    /// <summary>
    /// Where <paramref name="keyPath"/> (<c>pretrain.batch_size</c>, <c>evaluate[0].k</c>) is written: the
    /// deepest part found, its value's position when the value came from <c>--set</c>.
    /// </summary>
    internal static SourceLocation? Locate(RecipeMapping root, string keyPath)
    {
        RecipeNode current = root;
        SourceLocation? location = null;
        foreach (var part in keyPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[');
            var key = bracket < 0 ? part : part[..bracket];
            if (current is not RecipeMapping mapping || mapping.GetEntry(key) is not { } entry) return location ?? current.Location;
            location = entry.Value.Location.IsOverride ? entry.Value.Location : entry.KeyLocation;
            current = entry.Value;
            if (bracket >= 0 && int.TryParse(part[(bracket + 1)..^1], out var index))
            {
                if (current is not RecipeSequence sequence || index >= sequence.Count) return location;
                current = sequence[index];
                location = current.Location;
            }
        }
        return location;
    }
}
