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
        foreach (var error in OptionChecks.HeadAndView(ProjectionDim, HiddenDim, Pipeline, ImageSize)) yield return error;
        if (PredictorHiddenDim < 1)
            yield return new OptionError("predictor_hidden_dim", $"predictor_hidden_dim must be at least 1; got {PredictorHiddenDim}.");
    }
}
