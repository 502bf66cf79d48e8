using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Options of the <c>simsiam</c> method. Defaults follow ContrastiveCrop's small-data SimSiam configs
/// (dim 512, predictor bottleneck 128); SimSiam's ImageNet setting is 2048 / 512.
/// </summary>
/// <param name="ProjectionDim">Output width of the projector and the predictor (512).</param>
/// <param name="HiddenDim">Hidden width of the projector; null for the backbone's feature width (as the reference).</param>
/// <param name="PredictorHiddenDim">The predictor's bottleneck width (128).</param>
/// <param name="Pipeline">Augmentation pipeline of both views.</param>
/// <param name="ImageSize">Side length of the views; null for the data set's size.</param>
public sealed record SimSiamOptions(
    int ProjectionDim = 512,
    int? HiddenDim = null,
    int PredictorHiddenDim = 128,
    string Pipeline = "simsiam",
    int? ImageSize = null) : IValidatableOptions
{
    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (ProjectionDim < 1)
            yield return new OptionError("projection_dim", $"projection_dim must be at least 1; got {ProjectionDim}.");
        if (HiddenDim is < 1)
            yield return new OptionError("hidden_dim", $"hidden_dim must be at least 1, or null for the backbone's feature width; got {HiddenDim}.");
        if (PredictorHiddenDim < 1)
            yield return new OptionError("predictor_hidden_dim", $"predictor_hidden_dim must be at least 1; got {PredictorHiddenDim}.");
        if (string.IsNullOrWhiteSpace(Pipeline))
            yield return new OptionError("pipeline", "pipeline must name an augmentation pipeline.");
        if (ImageSize is < 1)
            yield return new OptionError("image_size", $"image_size must be at least 1, or null for the data set's size; got {ImageSize}.");
    }
}
