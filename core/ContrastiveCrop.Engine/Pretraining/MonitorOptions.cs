using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>The <c>pretrain.monitor:</c> section: a downstream task run every few epochs during pretraining.</summary>
public sealed record MonitorOptions : IValidatableOptions
{
    /// <summary>Run the task after every this many epochs (and after the last).</summary>
    public int Every { get; init; } = 10;
    /// <summary>The downstream task plugin section, e.g. <c>{name: knn, k: 20}</c>.</summary>
    public RecipeNode? Task { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Every <= 0) yield return new OptionError("every", "must be positive");
        if (Task is not RecipeMapping) yield return new OptionError("task", "is required: a mapping with the downstream task's name and its options, e.g. {name: <task>, ...}");
    }
}
