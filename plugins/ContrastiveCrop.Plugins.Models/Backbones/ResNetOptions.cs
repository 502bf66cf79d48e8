using ContrastiveCrop.Contracts;
using ContrastiveCrop.Models;

namespace ContrastiveCrop.Plugins.Backbones;

/// <summary>Options of the <c>resnet</c> backbone plugin.</summary>
/// <param name="Depth">18 and 34 use basic blocks, 50 uses bottleneck blocks (torchvision's ResNet v1.5).</param>
/// <param name="WidthMultiplier">
/// Scales every stage's width: the stem has 64·w channels (rounded, at least 1) and stage i has
/// 2^i times that. 1 is torchvision's network; small values make fast test and smoke models.
/// </param>
/// <param name="SmallDataStem">
/// For 32-pixel images (CIFAR, STL at low resolution): a 3×3 stride-1 <c>conv1</c> and no max-pool,
/// so the last stage keeps a 4×4 map instead of 1×1. Parameter names are unchanged.
/// </param>
/// <param name="ZeroInitResidual">
/// Starts the last batch-norm scale of every residual block at 0 so each block begins as the
/// identity (Goyal et al., 2017); torchvision's <c>zero_init_residual</c>.
/// </param>
public sealed record ResNetOptions(
    int Depth = 18,
    double WidthMultiplier = 1.0,
    bool SmallDataStem = false,
    bool ZeroInitResidual = false) : IValidatableOptions
{
    /// <summary>The depths this plugin builds.</summary>
    public static IReadOnlyList<int> SupportedDepths => ResNetLayout.SupportedDepths;

    /// <summary>Channels of the stem and of the first stage: 64·<see cref="WidthMultiplier"/>, rounded, at least 1.</summary>
    public int BaseWidth => ResNetLayout.BaseWidth(WidthMultiplier);

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (!SupportedDepths.Contains(Depth))
            yield return new OptionError("depth", $"ResNet depth must be one of {string.Join(", ", SupportedDepths)}; got {Depth}.");
        // The negated comparison also rejects NaN.
        if (!(WidthMultiplier > 0) || double.IsInfinity(WidthMultiplier))
            yield return new OptionError("width_multiplier", $"width_multiplier must be a finite number > 0 (1 is torchvision's width); got {WidthMultiplier}.");
    }
}
