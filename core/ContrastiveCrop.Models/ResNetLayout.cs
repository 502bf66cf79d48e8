namespace ContrastiveCrop.Models;

/// <summary>Which block a ResNet depth uses and how many blocks each of its four stages holds.</summary>
/// <param name="Bottleneck">True for bottleneck blocks (ResNet-50), false for basic blocks (18, 34).</param>
/// <param name="BlocksPerStage">Blocks in layer1..layer4.</param>
public sealed record ResNetLayout(bool Bottleneck, IReadOnlyList<int> BlocksPerStage)
{
    /// <summary>Depths with a known layout.</summary>
    public static IReadOnlyList<int> SupportedDepths { get; } = [18, 34, 50];

    /// <summary>Output width of a block divided by its <c>planes</c>.</summary>
    public int Expansion => Bottleneck ? Models.Bottleneck.Expansion : BasicBlock.Expansion;

    /// <summary>torchvision's layout of ResNet-<paramref name="depth"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is not 18, 34 or 50.</exception>
    public static ResNetLayout Of(int depth) => depth switch
    {
        18 => new(false, [2, 2, 2, 2]),
        34 => new(false, [3, 4, 6, 3]),
        50 => new(true, [3, 4, 6, 3]),
        _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, $"Unsupported ResNet depth (supported: {string.Join(", ", SupportedDepths)})."),
    };

    /// <summary>Stem width (and layer1's planes) for a width multiplier: 64·w rounded, at least 1.</summary>
    public static int BaseWidth(double widthMultiplier) =>
        Math.Max(1, (int)Math.Round(64 * widthMultiplier, MidpointRounding.AwayFromZero));
}
