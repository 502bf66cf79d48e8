using System.Globalization;
using System.Text.RegularExpressions;

namespace ContrastiveCrop.Interop;

/// <summary>
/// What a set of torchvision-named ResNet tensors says about the network that owns them: block kind
/// and blocks per stage (hence the depth), stem width (hence the width multiplier) and stem kernel
/// (7×7 ImageNet stem or 3×3 small-data stem). Read from names and shapes alone, so the same
/// reading describes a file and the model it should fit, and a mismatch can name the recipe option to change.
/// </summary>
/// <param name="Depth">18, 34, 50, 101 or 152; null when the block counts are none of torchvision's.</param>
/// <param name="Bottleneck">True for bottleneck blocks (ResNet-50 and deeper).</param>
/// <param name="BlocksPerStage">Blocks in layer1..layer4.</param>
/// <param name="StemWidth">Output channels of conv1 (64 at width 1).</param>
/// <param name="StemKernel">conv1's kernel size: 7 (ImageNet stem) or 3 (small-data stem).</param>
public sealed partial record ResNetSignature(int? Depth, bool Bottleneck, IReadOnlyList<int> BlocksPerStage, long StemWidth, long StemKernel)
{
    /// <summary>The width multiplier of torchvision's 64-channel stem.</summary>
    public double WidthMultiplier => StemWidth / 64.0;

    /// <summary>True for the 3×3 stride-1 stem without max-pool (CIFAR-style).</summary>
    public bool SmallDataStem => StemKernel == 3;

    /// <summary>Reads the signature of torchvision-named shapes; null when they are not a ResNet (no conv1 or layer1).</summary>
    public static ResNetSignature? Of(IReadOnlyDictionary<string, long[]> shapes)
    {
        if (!shapes.TryGetValue("conv1.weight", out var stem) || stem.Length != 4) return null;
        bool bottleneck = shapes.ContainsKey("layer1.0.conv3.weight");
        var blocks = new int[4];
        foreach (var name in shapes.Keys)
        {
            var match = BlockName().Match(name);
            if (!match.Success) continue;
            int stage = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) - 1;
            int block = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            blocks[stage] = Math.Max(blocks[stage], block + 1);
        }
        if (blocks[0] == 0) return null;
        int? depth = (bottleneck, blocks) switch
        {
            (false, [2, 2, 2, 2]) => 18,
            (false, [3, 4, 6, 3]) => 34,
            (true, [3, 4, 6, 3]) => 50,
            (true, [3, 4, 23, 3]) => 101,
            (true, [3, 8, 36, 3]) => 152,
            _ => null,
        };
        return new ResNetSignature(depth, bottleneck, blocks, stem[0], stem[^1]);
    }

    /// <summary>E.g. "ResNet-50 at width 1 (64 stem channels) with the 7×7 ImageNet stem".</summary>
    public string Describe()
    {
        string net = Depth is { } d ? $"ResNet-{d}" : $"a ResNet with {(Bottleneck ? "bottleneck" : "basic")} blocks [{string.Join(", ", BlocksPerStage)}]";
        string stem = SmallDataStem ? "the 3×3 small-data stem" : StemKernel == 7 ? "the 7×7 ImageNet stem" : $"a {StemKernel}×{StemKernel} stem";
        return $"{net} at width {Format(WidthMultiplier)} ({StemWidth} stem channels) with {stem}";
    }

    /// <summary>
    /// The backbone options (recipe keys) that must change for a model of signature <paramref name="model"/>
    /// to take tensors of this signature, e.g. "depth: 50, width_multiplier: 1"; empty when none does.
    /// </summary>
    public string OptionsToMatch(ResNetSignature model)
    {
        var changes = new List<string>();
        if (Depth != model.Depth || Bottleneck != model.Bottleneck || !BlocksPerStage.SequenceEqual(model.BlocksPerStage))
            changes.Add(Depth is { } d ? $"depth: {d}" : $"depth (the file's blocks per stage [{string.Join(", ", BlocksPerStage)}] are no supported depth)");
        if (StemWidth != model.StemWidth) changes.Add($"width_multiplier: {Format(WidthMultiplier)}");
        if (StemKernel != model.StemKernel) changes.Add($"small_data_stem: {(SmallDataStem ? "true" : "false")}");
        return string.Join(", ", changes);
    }

    private static string Format(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^layer([1-4])\.(\d+)\.")]
    private static partial Regex BlockName();
}
