using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// A recipe checked end to end before any work starts: the top level bound, every plugin found and
/// its options bound and validated. All problems are reported together.
/// </summary>
public sealed class RunPlan
{
    private RunPlan(string recipePath, RecipeMapping resolved, RunRecipe recipe) => (RecipePath, Resolved, Recipe) = (recipePath, resolved, recipe);

    /// <summary>The recipe file given by the user.</summary>
    public string RecipePath { get; }
    /// <summary>The fully resolved recipe (bases merged, overrides applied).</summary>
    /// <remarks>Every chosen plugin's section lists all its options, defaults included (<see cref="EffectiveRecipe"/>).</remarks>
    public RecipeMapping Resolved { get; private set; }
    /// <summary>The bound top level.</summary>
    public RunRecipe Recipe { get; }
    /// <summary>The data set plugin and options.</summary>
    public PluginChoice Data { get; private set; } = null!;
    /// <summary>The backbone of <c>pretrain.backbone</c>: the one pretrained, or the architecture a checkpoint is loaded into.</summary>
    public PluginChoice? Backbone { get; private set; }
    /// <summary>Backbone, method and sampler, when the recipe pretrains (not when it evaluates <c>from_checkpoint</c>).</summary>
    public (PluginChoice Backbone, PluginChoice Method, PluginChoice Sampler)? Pretrain { get; private set; }
    /// <summary>The task run during pretraining by <c>pretrain.monitor</c>, if any.</summary>
    public PluginChoice? Monitor { get; private set; }
    /// <summary>Hook plugins of <c>pretrain.custom_hooks</c>, in order.</summary>
    public IReadOnlyList<PluginChoice> Hooks { get; private set; } = [];
    /// <summary>Downstream stages in order.</summary>
    public IReadOnlyList<PluginChoice> Evaluate { get; private set; } = [];

    /// <summary>Every plugin the plan uses: data, backbone, method, sampler, monitor, hooks, downstream stages.</summary>
    public IReadOnlyList<PluginChoice> Choices
    {
        get
        {
            var chosen = new List<PluginChoice> { Data };
            if (Backbone is { } backbone) chosen.Add(backbone);
            if (Pretrain is var (_, method, sampler)) chosen.AddRange([method, sampler]);
            if (Monitor is { } monitor) chosen.Add(monitor);
            chosen.AddRange(Hooks);
            chosen.AddRange(Evaluate);
            return chosen;
        }
    }

    /// <summary>The plugin folders the recipe asks for, resolved against the recipe's folder.</summary>
    public static IReadOnlyList<string> PluginFoldersOf(string recipePath, RecipeMapping resolved)
    {
        var recipe = RecipeBinder.Bind<RunRecipe>(resolved, "");
        var folder = Path.GetDirectoryName(Path.GetFullPath(recipePath))!;
        return recipe.PluginFolders.Select(f => Path.GetFullPath(Path.Combine(folder, f))).ToList();
    }

    /// <summary>Binds and validates everything; throws one <see cref="RecipeException"/> or <see cref="PluginException"/>.</summary>
    public static RunPlan Create(string recipePath, RecipeMapping resolved, PluginFactory factory)
    {
        var recipe = RecipeBinder.Bind<RunRecipe>(resolved, "");
        var plan = new RunPlan(recipePath, resolved, recipe);
        var errors = new List<RecipeError>();
        PluginChoice? Choose(PluginKind kind, RecipeNode? node, string key)
        {
            try
            {
                var (descriptor, options) = factory.Prepare(kind, (RecipeMapping)node!, key);
                return new PluginChoice(descriptor, options, key);
            }
            catch (RecipeException e)
            {
                errors.AddRange(e.Errors);
                return null;
            }
        }

        plan.Data = Choose(PluginKind.DatasetSource, recipe.Data, "data")!;
        if (recipe.Pretrain is { } withBackbone)
            plan.Backbone = Choose(PluginKind.Backbone, withBackbone.Backbone, "pretrain.backbone");
        // Evaluating a checkpoint uses only the backbone's architecture from pretrain: the method, sampler, monitor
        // and hooks are neither needed nor required to be installed.
        if (recipe.Pretrain is { } pretrain && recipe.FromCheckpoint is null)
        {
            var backbone = plan.Backbone;
            var method = Choose(PluginKind.SiameseMethod, pretrain.Method, "pretrain.method");
            var sampler = Choose(PluginKind.CropSampler, pretrain.Sampler, "pretrain.sampler");
            if (backbone is not null && method is not null && sampler is not null) plan.Pretrain = (backbone, method, sampler);
            if (pretrain.Monitor?.Task is RecipeMapping monitor)
                plan.Monitor = Choose(PluginKind.DownstreamTask, monitor, "pretrain.monitor.task");
            var hooks = new List<PluginChoice>();
            for (int i = 0; i < pretrain.CustomHooks.Count; i++)
            {
                var key = $"pretrain.custom_hooks[{i}]";
                if (pretrain.CustomHooks[i] is not RecipeMapping)
                    errors.Add(new RecipeError(pretrain.CustomHooks[i].Location, key, "must be a mapping with the hook's name and options"));
                else if (Choose(PluginKind.Hook, pretrain.CustomHooks[i], key) is { } hook)
                    hooks.Add(hook);
            }
            plan.Hooks = hooks;
        }
        var stages = new List<PluginChoice>();
        for (int i = 0; i < recipe.Evaluate.Count; i++)
        {
            var key = $"evaluate[{i}]";
            if (recipe.Evaluate[i] is not RecipeMapping)
                errors.Add(new RecipeError(recipe.Evaluate[i].Location, key, "must be a mapping with the task's name and options"));
            else if (Choose(PluginKind.DownstreamTask, recipe.Evaluate[i], key) is { } stage)
            {
                // A task built before contracts 2.2 cannot tell its stages apart: the second would reuse the first's files.
                if (stage.Descriptor.Contracts < new Version(2, 2) && stages.Any(s => s.Descriptor.Key == stage.Descriptor.Key))
                    errors.Add(new RecipeError(recipe.Evaluate[i].Location, key,
                        $"'{stage.Descriptor.Name}' appears twice, but its plugin ('{stage.Descriptor.AssemblyPath}') was built against contracts " +
                        $"{stage.Descriptor.Contracts.Major}.{stage.Descriptor.Contracts.Minor}, which cannot tell a task its stage, so two stages may share files: rebuild it against " +
                        $"ContrastiveCrop.Contracts {ContractsVersion.Major}.2 or later, or keep one '{stage.Descriptor.Name}' stage per recipe"));
                stages.Add(stage);
            }
        }
        plan.Evaluate = stages;
        // The backbone evaluated is pretrain.backbone's architecture (trained here, or loaded from from_checkpoint): found
        // only when the first stage started, after the run folder was made, as an error that read like a bug.
        if (recipe.Evaluate.Count > 0 && recipe.Pretrain is null)
            errors.Add(new RecipeError(RunPreflight.Locate(resolved, "pretrain") ?? RunPreflight.Locate(resolved, "evaluate"), "pretrain",
                "the evaluate stages need a backbone: add a pretrain section with its backbone (with from_checkpoint only pretrain.backbone is read)"));
        if (errors.Count > 0) throw new RecipeException(errors);
        plan.Resolved = EffectiveRecipe.With(resolved, plan.Choices);
        return plan;
    }
}

/// <summary>A plugin selected by a recipe section, with its bound options.</summary>
/// <param name="Descriptor">The plugin.</param>
/// <param name="Options">Its options record, or null if it takes none.</param>
/// <param name="KeyPath">Where in the recipe it was selected.</param>
public sealed record PluginChoice(PluginDescriptor Descriptor, object? Options, string KeyPath);
