using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Cropping;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>Options of the samplers that place crop centres inside a box with Beta(α, α).</summary>
public record CenterSuppressedCropOptions : RandomResizedCropOptions
{
    /// <summary>
    /// Shape of the Beta(α, α) that places the crop inside the box: α &lt; 1 pushes centres toward the
    /// box edges (centre-suppressed), α = 1 is uniform. 0.6 as in the official ImageNet configs; the
    /// official CIFAR/STL/Tiny-ImageNet configs use 0.1.
    /// </summary>
    public double Alpha { get; init; } = 0.6;

    /// <inheritdoc />
    public override IEnumerable<OptionError> Validate()
    {
        foreach (var error in base.Validate()) yield return error;
        if (!(Alpha > 0) || double.IsInfinity(Alpha)) yield return new OptionError("alpha", $"must be positive, got {Alpha}");
    }
}
