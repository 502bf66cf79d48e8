using System.Collections.Generic;
using ContrastiveCrop.Contracts;

using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Tests.Recipes;

public enum CropKind
{
    RandomResizedCrop,
    CenterCrop,
    ContrastiveCrop,
}

public sealed record OptimizerOptions(string Name, double Lr, double Momentum = 0.9, float WeightDecay = 1e-4f);

public sealed record AllTypesOptions(
    string Text,
    int Count,
    long Big,
    float Ratio,
    double Rate,
    bool Flag,
    CropKind Crop,
    int? MaybeCount,
    double? MaybeRate,
    bool? MaybeFlag,
    CropKind? MaybeCrop,
    string? MaybeText,
    IReadOnlyList<int> Sizes,
    string[] Names,
    IReadOnlyList<string?> Holes,
    IReadOnlyDictionary<string, double> Weights,
    OptimizerOptions Optimizer,
    IReadOnlyList<OptimizerOptions> Stages,
    RecipeNode Method);

public sealed record DefaultsOptions(
    int Epochs,
    long Seed = 42,
    CropKind Crop = CropKind.CenterCrop,
    int? MaxSteps = 7,
    string? Comment = null,
    double Scale = 0.5,
    bool Amp = true);

public sealed class DataOptions
{
    public required string Root { get; init; }

    public int Workers { get; init; } = 4;

    public IReadOnlyList<string> Splits { get; init; } = ["train"];

    public CropKind? Crop { get; init; }
}

public sealed record TrainingOptions(int Epochs, int WarmupEpochs = 0, CropKind Crop = CropKind.RandomResizedCrop, int BatchSize = 256);

public sealed record RootOptions(TrainingOptions Training, OptimizerOptions Optimizer);

public sealed record WarmupOptions(int Epochs = 0, double StartFactor = 0.1);

public sealed record ScheduleOptions(int Epochs, WarmupOptions? Warmup = null) : IValidatableOptions
{
    public IEnumerable<OptionError> Validate()
    {
        if (Epochs <= 0)
        {
            yield return new OptionError(nameof(Epochs), "must be positive");
        }

        if (Warmup is not null && Warmup.Epochs >= Epochs)
        {
            yield return new OptionError("warmup.epochs", "must be less than the total epochs");
        }

        if (Warmup is null && Epochs > 1000)
        {
            yield return new OptionError("warmup", "is required for runs longer than 1000 epochs");
        }
    }
}

public sealed record StageOptions(string Name, ScheduleOptions Schedule);

public sealed record LrOptions(double Value) : IValidatableOptions
{
    public IEnumerable<OptionError> Validate()
    {
        if (Value <= 0)
        {
            yield return new OptionError("value", "must be positive");
        }
    }
}

public sealed record PluginHost(string Method, RecipeNode? Settings = null, RecipeMapping? Extra = null);
