using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>Options of the <c>clsa</c> method: MoCo v2's, plus the strong view and the DDM weight.</summary>
/// <param name="ProjectionDim">Width of the embedding.</param>
/// <param name="HiddenDim">Hidden width of the MLP head; null for the backbone's feature width.</param>
/// <param name="QueueSize">Negative keys kept (65536 on ImageNet).</param>
/// <param name="Momentum">EMA momentum of the key encoder.</param>
/// <param name="Temperature">T of InfoNCE and of the DDM distributions (0.2).</param>
/// <param name="Beta">Weight of the DDM loss (1 in the paper).</param>
/// <param name="Pipeline">Augmentation of the weak query and key views (MoCo v2's).</param>
/// <param name="ImageSize">Side of the weak views; null for the data set's size.</param>
/// <param name="StrongPipeline">Augmentation of the strong view: MoCo v2's plus RandAugment (5 ops, magnitude 10).</param>
/// <param name="StrongImageSize">Side of the strong view (96 on ImageNet); null for the data set's size.</param>
public sealed record ClsaOptions(
    int ProjectionDim = 128,
    int? HiddenDim = null,
    int QueueSize = 65536,
    double Momentum = 0.999,
    double Temperature = 0.2,
    double Beta = 1.0,
    string Pipeline = "moco-v2",
    int? ImageSize = null,
    string StrongPipeline = "clsa-strong",
    int? StrongImageSize = null)
    : MoCoOptions(ProjectionDim, HiddenDim, MlpHead: true, QueueSize, Momentum, Temperature, Symmetric: false, Pipeline, ImageSize),
      IValidatableOptions
{
    /// <inheritdoc />
    IEnumerable<OptionError> IValidatableOptions.Validate()
    {
        foreach (var error in Validate()) yield return error;
        if (!(Beta >= 0) || double.IsInfinity(Beta))
            yield return new OptionError("beta", $"beta must be a finite number >= 0 (CLSA uses 1); got {Beta}.");
        if (string.IsNullOrWhiteSpace(StrongPipeline))
            yield return new OptionError("strong_pipeline", "strong_pipeline must name an augmentation pipeline.");
        if (StrongImageSize is < 1)
            yield return new OptionError("strong_image_size", $"strong_image_size must be at least 1, or null for the data set's size; got {StrongImageSize}.");
    }
}
