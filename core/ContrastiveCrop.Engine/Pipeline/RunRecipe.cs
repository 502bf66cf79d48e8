using ContrastiveCrop.Contracts;
using ContrastiveCrop.Distributed;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Pretraining;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>The top level of a recipe: what to run, on what, where the output goes.</summary>
public sealed record RunRecipe : IValidatableOptions
{
    /// <summary>Name of the run; the run folder is &lt;output_dir&gt;/&lt;name&gt;-&lt;time&gt;.</summary>
    public string Name { get; init; } = "run";
    /// <summary>Seed of every random choice in the run.</summary>
    public long Seed { get; init; } = 0;
    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Compute threads for TorchSharp (0: its default).</summary>
    public int Threads { get; init; } = 0;
    /// <summary>Folder under which run folders are created (relative to the working directory).</summary>
    public string OutputDir { get; init; } = "runs";
    /// <summary>Extra plugin folders (relative to the recipe file).</summary>
    public IReadOnlyList<string> PluginFolders { get; init; } = [];
    /// <summary>
    /// Per-channel statistics images are normalised with before the backbone sees them, in pretraining,
    /// box updates, evaluation and detection alike. The data parts under <c>configs/_base_/data</c> set
    /// the official configs' values; ImageNet's when absent.
    /// </summary>
    public NormalizationOptions Normalization { get; init; } = new();
    /// <summary>The data set: <c>name</c> of a data-set plugin plus its options.</summary>
    public RecipeNode? Data { get; init; }
    /// <summary>Pretraining settings; omit to only evaluate.</summary>
    public PretrainOptions? Pretrain { get; init; }
    /// <summary>
    /// Evaluate a backbone instead of pretraining one: a checkpoint file, a run folder (its
    /// checkpoints/last.pt) or <c>random</c> for an untrained backbone (the baseline). The architecture
    /// comes from <c>pretrain.backbone</c>; the rest of <c>pretrain</c> is not used. Relative to the recipe file.
    /// </summary>
    public string? FromCheckpoint { get; init; }
    /// <summary>
    /// Data-parallel training when a launcher (<c>mpirun -np N</c>, <c>srun</c>) started several processes:
    /// backend, collective timeout. Without a launcher the run is one process whatever this says (backend auto).
    /// </summary>
    public DistributedOptions Distributed { get; init; } = new();
    /// <summary>Downstream stages run after pretraining, each a plugin section.</summary>
    public IReadOnlyList<RecipeNode> Evaluate { get; init; } = [];
    /// <summary>
    /// Also run every downstream stage on an untrained backbone of the same architecture, initialised with
    /// the run's seed (the pretrained network's own starting point when pretraining is the first to draw
    /// from it), and write both side by side in results.md: the baseline that says whether pretraining
    /// helped, in the same run. Stages that do not use the run's backbone (detection with <c>init: random</c>
    /// or <c>init: checkpoint</c>) give the same numbers twice, so leave them out of such recipes.
    /// </summary>
    public bool RandomInitBaseline { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || Name.Contains('/'))
            yield return new OptionError("name", $"'{Name}' cannot be used in a folder name");
        // An empty file is one mistake (the wrong file, or not saved yet), not a list of missing sections.
        if (Data is null && Pretrain is null && Evaluate.Count == 0 && FromCheckpoint is null)
        {
            yield return new OptionError("data", "the recipe sets nothing: it needs a data section and a pretrain or evaluate section (is this the right file?)");
            yield break;
        }
        if (Threads < 0) yield return new OptionError("threads", "must be 0 (default) or positive");
        if (Data is not RecipeMapping) yield return new OptionError("data", "is required: a mapping with the data set's name and options");
        if (FromCheckpoint is not null && Pretrain is null)
            yield return new OptionError("from_checkpoint", "needs pretrain.backbone to know the architecture of the checkpoint's backbone");
        if (Pretrain is null && Evaluate.Count == 0) yield return new OptionError("pretrain", "the recipe has neither pretrain nor evaluate: nothing to run");
        if (RandomInitBaseline && Evaluate.Count == 0) yield return new OptionError("random_init_baseline", "needs evaluate stages to run on the untrained backbone; add some or remove the key");
        if (RandomInitBaseline && FromCheckpoint == "random") yield return new OptionError("random_init_baseline", "the recipe already evaluates a random backbone (from_checkpoint: random); remove one of the two");
    }
}
