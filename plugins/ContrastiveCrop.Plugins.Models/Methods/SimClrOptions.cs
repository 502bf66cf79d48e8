using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>Options of the <c>simclr</c> method. Defaults follow ContrastiveCrop's CIFAR/STL/Tiny-ImageNet SimCLR configs.</summary>
/// <param name="Temperature">τ of NT-Xent (ContrastiveCrop: 0.5).</param>
/// <param name="BaseTemperature">
/// ContrastiveCrop scales the loss by τ / base_temperature (0.5 / 0.07 ≈ 7.14), which its learning
/// rate of 0.5 was tuned with. Null leaves the loss unscaled (plain NT-Xent).
/// </param>
/// <param name="ProjectionDim">Width of the embedding the loss sees (128).</param>
/// <param name="HiddenDim">Width of the projector's hidden layer; null for the backbone's feature width.</param>
/// <param name="ProjectorLayers">Linear layers in the projector (2: linear, ReLU, linear).</param>
/// <param name="ProjectorBatchNorm">BatchNorm1d after hidden projector layers (SimCLR's paper has it; ContrastiveCrop does not).</param>
/// <param name="Pipeline">Augmentation pipeline of both views.</param>
/// <param name="ImageSize">Side length of the views; null for the data set's size.</param>
public sealed record SimClrOptions(
    double Temperature = 0.5,
    double? BaseTemperature = 0.07,
    int ProjectionDim = 128,
    int? HiddenDim = null,
    int ProjectorLayers = 2,
    bool ProjectorBatchNorm = false,
    string Pipeline = "simclr",
    int? ImageSize = null) : IValidatableOptions
{
    /// <summary>The factor NT-Xent is multiplied by: τ / base_temperature, or 1.</summary>
    public double LossScale => BaseTemperature is { } b ? Temperature / b : 1.0;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        foreach (var error in OptionChecks.HeadAndView(ProjectionDim, HiddenDim, Pipeline, ImageSize)) yield return error;
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            yield return new OptionError("temperature", $"temperature must be a finite number > 0; got {Temperature}.");
        if (BaseTemperature is { } b && (!(b > 0) || double.IsInfinity(b)))
            yield return new OptionError("base_temperature", $"base_temperature must be a finite number > 0, or null for an unscaled loss; got {b}.");
        if (ProjectorLayers < 1)
            yield return new OptionError("projector_layers", $"projector_layers must be at least 1; got {ProjectorLayers}.");
    }
}
