using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>Options of the weighted kNN evaluation.</summary>
public sealed record KnnOptions : IValidatableOptions, IDataRequirements
{
    /// <summary>Neighbours that vote (200 in the InstDisc monitor; 20 is common for small sets).</summary>
    public int K { get; init; } = 200;
    /// <summary>Vote weight is exp(cosine / temperature).</summary>
    public double Temperature { get; init; } = 0.1;
    /// <summary>Side the whole images are resized to.</summary>
    public int ImageSize { get; init; } = 32;
    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Split whose features are the memory bank.</summary>
    public string TrainSplit { get; init; } = "train";
    /// <summary>Split that is classified.</summary>
    public string TestSplit { get; init; } = "test";

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (K <= 0) yield return new OptionError("k", "must be positive");
        if (Temperature <= 0) yield return new OptionError("temperature", "must be positive");
        if (ImageSize < 8) yield return new OptionError("image_size", "must be at least 8");
        if (ImageSize > 2048) yield return new OptionError("image_size", $"must be at most 2048: evaluation images are resized to it as float tensors, and {ImageSize}² would exhaust memory (ImageNet recipes use 224)");
        if (BatchSize <= 0) yield return new OptionError("batch_size", "must be positive");
    }

    /// <inheritdoc />
    public IEnumerable<DataRequirement> DataRequirements() =>
    [
        new(TrainSplit, K, "k", $"k = {K} neighbours are voted from the '{TrainSplit}' images"),
        new(TestSplit, 1, "test_split", "the kNN accuracy is measured on it"),
    ];
}
