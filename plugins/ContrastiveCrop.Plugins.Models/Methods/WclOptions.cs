using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>Options of the <c>wcl</c> method.</summary>
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
    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        foreach (var error in OptionChecks.HeadAndView(ProjectionDim, HiddenDim, Pipeline, ImageSize)) yield return error;
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            yield return new OptionError("temperature", $"temperature must be a finite number > 0; got {Temperature}.");
        if (!(GraphWeight >= 0) || double.IsInfinity(GraphWeight))
            yield return new OptionError("graph_weight", $"graph_weight must be a finite number >= 0; got {GraphWeight}.");
    }
}
