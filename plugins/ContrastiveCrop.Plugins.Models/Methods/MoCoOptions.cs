using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Options of the <c>moco-v2</c> method (and, through <see cref="MoCoV1Options"/>, <c>moco-v1</c>).
/// Defaults are ContrastiveCrop's MoCo v2 configs, which use the same values for CIFAR and ImageNet.
/// </summary>
/// <param name="ProjectionDim">Width of queries and keys (128).</param>
/// <param name="HiddenDim">Hidden width of the MLP head; null for the backbone's feature width.</param>
/// <param name="MlpHead">MoCo v2's head (linear, ReLU, linear); false for v1's single linear layer.</param>
/// <param name="QueueSize">K, the number of queued negative keys (65536).</param>
/// <param name="Momentum">
/// m of the key encoder's EMA (0.999). ContrastiveCrop keeps 0.999 on CIFAR too; MoCo's own
/// CIFAR demo uses 0.99 with a 4096-key queue.
/// </param>
/// <param name="Temperature">τ of InfoNCE (v2: 0.2, v1: 0.07).</param>
/// <param name="Symmetric">
/// Also contrast view 2's query with view 1's key and average the two losses (both keys are then
/// queued); off in the MoCo papers and in ContrastiveCrop.
/// </param>
/// <param name="Pipeline">Augmentation pipeline of both views.</param>
/// <param name="ImageSize">Side length of the views; null for the data set's size.</param>
public record MoCoOptions(
    int ProjectionDim = 128,
    int? HiddenDim = null,
    bool MlpHead = true,
    int QueueSize = 65536,
    double Momentum = 0.999,
    double Temperature = 0.2,
    bool Symmetric = false,
    string Pipeline = "moco-v2",
    int? ImageSize = null) : IValidatableOptions
{
    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        foreach (var error in OptionChecks.HeadAndView(ProjectionDim, HiddenDim, Pipeline, ImageSize)) yield return error;
        if (QueueSize < 1)
            yield return new OptionError("queue_size", $"queue_size must be at least 1 (MoCo uses 65536); got {QueueSize}.");
        // The negated comparison also rejects NaN.
        if (!(Momentum >= 0 && Momentum <= 1))
            yield return new OptionError("momentum", $"momentum must be in [0, 1] (MoCo uses 0.999); got {Momentum}.");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            yield return new OptionError("temperature", $"temperature must be a finite number > 0; got {Temperature}.");
    }
}
