using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Options of the <c>wcl</c> method. Multi-crop (paper §3.4) is off by default: <see cref="SmallCrops"/>
/// low-resolution views per image join the two views as positives of their image, weighted β (NT-Xent
/// part) and γ (weak-label part); with <see cref="KnnNeighbours"/> = K > 0, after
/// <see cref="KnnWarmupEpochs"/> the small views are crops of the image's K nearest neighbours
/// (recomputed each epoch) instead of the image itself (KNN multi-crop).
/// </summary>
/// <param name="ProjectionDim">Output width of both heads (128 in the paper, 256 in the released code).</param>
/// <param name="HiddenDim">Hidden width of both heads (2048 in the paper); null for the backbone's feature width.</param>
/// <param name="Temperature">T of both the NT-Xent and the weak supervised term (0.1).</param>
/// <param name="GraphWeight">Weight of the weak supervised term (1: plain sum).</param>
/// <param name="Pipeline">Augmentation of both views (SimCLR's in the paper).</param>
/// <param name="ImageSize">Side of the views; null for the data set's size.</param>
public sealed record WclOptions(
    int ProjectionDim = 128,
    int? HiddenDim = null,
    double Temperature = 0.1,
    double GraphWeight = 1.0,
    string Pipeline = "simclr",
    int? ImageSize = null) : IValidatableOptions
{
    /// <summary>Low-resolution views per image (6 on ImageNet, after SwAV); 0 turns multi-crop off.</summary>
    public int SmallCrops { get; init; }

    /// <summary>Side of the small views (96 on ImageNet; about 0.4 of the large views' side); null for the data set's size.</summary>
    public int? SmallImageSize { get; init; }

    /// <summary>Area range of the small crops as fractions of the image (SwAV's [0.05, 0.14]); the large views keep the sampler's.</summary>
    public IReadOnlyList<double> SmallCropScale { get; init; } = [0.05, 0.14];

    /// <summary>β: weight of the small views' NT-Xent-style term (0.5 in the paper).</summary>
    public double SmallCropWeight { get; init; } = 0.5;

    /// <summary>γ: weight of the small views' swapped weak-label term (0.5 in the paper).</summary>
    public double SmallCropGraphWeight { get; init; } = 0.5;

    /// <summary>K of KNN multi-crop: neighbours per image whose crops replace the small views; 0 for standard multi-crop.</summary>
    public int KnnNeighbours { get; init; }

    /// <summary>Epochs of standard multi-crop before the small views switch to neighbours (at least 1).</summary>
    public int KnnWarmupEpochs { get; init; } = 10;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        foreach (var error in OptionChecks.HeadAndView(ProjectionDim, HiddenDim, Pipeline, ImageSize)) yield return error;
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            yield return new OptionError("temperature", $"temperature must be a finite number > 0; got {Temperature}.");
        if (!(GraphWeight >= 0) || double.IsInfinity(GraphWeight))
            yield return new OptionError("graph_weight", $"graph_weight must be a finite number >= 0; got {GraphWeight}.");
        if (SmallCrops < 0)
            yield return new OptionError("small_crops", $"small_crops must be >= 0 (0 turns multi-crop off; the paper uses 6); got {SmallCrops}.");
        if (SmallImageSize is < 1)
            yield return new OptionError("small_image_size", $"small_image_size must be at least 1, or null for the data set's size; got {SmallImageSize}.");
        if (SmallCropScale.Count != 2 || !(SmallCropScale[0] > 0) || !(SmallCropScale[0] <= SmallCropScale[1]) || !(SmallCropScale[1] <= 1))
            yield return new OptionError("small_crop_scale", $"small_crop_scale must be [min, max] with 0 < min <= max <= 1 (SwAV: [0.05, 0.14]); got [{string.Join(", ", SmallCropScale)}].");
        if (!(SmallCropWeight >= 0) || double.IsInfinity(SmallCropWeight))
            yield return new OptionError("small_crop_weight", $"small_crop_weight must be a finite number >= 0; got {SmallCropWeight}.");
        if (!(SmallCropGraphWeight >= 0) || double.IsInfinity(SmallCropGraphWeight))
            yield return new OptionError("small_crop_graph_weight", $"small_crop_graph_weight must be a finite number >= 0; got {SmallCropGraphWeight}.");
        if (KnnNeighbours < 0)
            yield return new OptionError("knn_neighbours", $"knn_neighbours must be >= 0 (0: standard multi-crop); got {KnnNeighbours}.");
        if (KnnNeighbours > 0 && SmallCrops == 0)
            yield return new OptionError("knn_neighbours", "knn_neighbours needs small views to draw from neighbours: set small_crops > 0 (e.g. 6), or knn_neighbours: 0.");
        if (KnnNeighbours > 0 && KnnWarmupEpochs < 1)
            yield return new OptionError("knn_warmup_epochs", $"knn_warmup_epochs must be at least 1 (the first neighbour table needs a trained encoder); got {KnnWarmupEpochs}.");
    }
}
