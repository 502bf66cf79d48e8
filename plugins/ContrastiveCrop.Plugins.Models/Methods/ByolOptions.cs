using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Options of the <c>byol</c> method. Defaults follow ContrastiveCrop's small-data BYOL configs
/// (projector and predictor Linear(·, 512) → BN → ReLU → Linear(512, 128), base τ 0.996).
/// </summary>
/// <param name="ProjectionDim">Width of projections and predictions (128).</param>
/// <param name="HiddenDim">Hidden width of projector and predictor (512; BYOL's ImageNet setting is 4096).</param>
/// <param name="BaseMomentum">τ_base of the target EMA (0.996).</param>
/// <param name="MomentumSchedule">
/// <c>cosine</c>: τ rises from τ_base to 1 over training as in the BYOL paper,
/// τ = 1 − (1 − τ_base)·(cos(π·k/K) + 1)/2; <c>constant</c>: τ_base throughout, as ContrastiveCrop's code does.
/// </param>
/// <param name="Pipeline">Augmentation pipeline of the first view (BYOL's τ: <c>byol-1</c>).</param>
/// <param name="SecondPipeline">Pipeline of the second view (τ′: <c>byol-2</c>); small-data recipes use one pipeline for both.</param>
/// <param name="ImageSize">Side length of the views; null for the data set's size.</param>
public sealed record ByolOptions(
    int ProjectionDim = 128,
    int HiddenDim = 512,
    double BaseMomentum = 0.996,
    string MomentumSchedule = "cosine",
    string Pipeline = "byol-1",
    string SecondPipeline = "byol-2",
    int? ImageSize = null) : IValidatableOptions
{
    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (ProjectionDim < 1)
            yield return new OptionError("projection_dim", $"projection_dim must be at least 1; got {ProjectionDim}.");
        if (HiddenDim < 1)
            yield return new OptionError("hidden_dim", $"hidden_dim must be at least 1; got {HiddenDim}.");
        if (!(BaseMomentum >= 0 && BaseMomentum <= 1))
            yield return new OptionError("base_momentum", $"base_momentum must be in [0, 1] (BYOL uses 0.996); got {BaseMomentum}.");
        if (MomentumSchedule is not ("cosine" or "constant"))
            yield return new OptionError("momentum_schedule", $"momentum_schedule must be 'cosine' or 'constant'; got '{MomentumSchedule}'.");
        if (string.IsNullOrWhiteSpace(Pipeline))
            yield return new OptionError("pipeline", "pipeline must name an augmentation pipeline.");
        if (string.IsNullOrWhiteSpace(SecondPipeline))
            yield return new OptionError("second_pipeline", "second_pipeline must name an augmentation pipeline.");
        if (ImageSize is < 1)
            yield return new OptionError("image_size", $"image_size must be at least 1, or null for the data set's size; got {ImageSize}.");
    }
}
