using ContrastiveCrop.Contracts;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// Whether a backbone's tensors fit the C4 detector an <c>init: backbone</c> stage builds: the same names, mapped as
/// <see cref="BackboneWeights"/> maps them, with the same shapes. Checked before pretraining from the recipe's
/// untrained backbone, so a depth or width that differs is one recipe error instead of a failure after hours.
/// </summary>
internal static class BackboneFit
{
    /// <summary>
    /// The option a mismatch most likely comes from: the stem's kernel (a small-data stem: only init can change),
    /// channel counts alone (width), or anything else (depth: basic and bottleneck blocks differ in kernels).
    /// </summary>
    private static string KeyToChange(string name, long[] shape, long[] expected)
    {
        bool sameRank = shape.Length == expected.Length;
        if (sameRank && name == "conv1.weight" && shape.Length == 4 && shape[2] != expected[2]) return "init";
        if (sameRank && shape.Length == 4 && shape[2] == expected[2] && shape[3] == expected[3]) return "width_multiplier";
        if (sameRank && shape.Length == 1) return "width_multiplier";
        return "depth";
    }

    /// <summary>The problems, at most one (the first tensor that differs, or none mapping at all).</summary>
    public static IEnumerable<OptionError> Check(RcnnOptions options, IReadOnlyDictionary<string, long[]> backbone, string description)
    {
        if (options.Init != "backbone") yield break;
        Dictionary<string, long[]> detector;
        using (NewDisposeScope())
        {
            // The backbone tensors do not depend on the number of classes; one class keeps the predictor small.
            using var model = new RcnnC4(options.Architecture(1, masks: false));
            detector = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        }
        int mapped = 0;
        foreach (var (name, shape) in backbone)
        {
            if (BackboneWeights.Map(name) is not { } target || !detector.TryGetValue(target, out var expected)) continue;
            mapped++;
            if (!expected.SequenceEqual(shape))
            {
                yield return new OptionError(KeyToChange(name, shape, expected),
                    $"the detector (ResNet-{options.Depth} × {options.WidthMultiplier}) does not fit {description}: {description}'s '{name}' has shape " +
                    $"[{string.Join(", ", shape)}] but the detector's '{target}' has [{string.Join(", ", expected)}]. Set this stage's depth and " +
                    "width_multiplier to the backbone's (a small-data stem cannot be used for detection: use the ImageNet stem, or init: random).");
                yield break;
            }
        }
        int wanted = detector.Keys.Count(k => k.StartsWith(RcnnC4.TrunkPrefix, StringComparison.Ordinal) || k.StartsWith(RcnnC4.Res5Prefix + "layer4.", StringComparison.Ordinal));
        if (mapped == 0)
            yield return new OptionError("init", $"{description} has no tensor with a ResNet name (conv1, bn1, layer1..layer4): init: backbone needs a torchvision-layout ResNet; use init: random.");
        else if (mapped < wanted)
            yield return new OptionError("depth", $"{description} has {mapped} of the {wanted} tensors the detector's ResNet-{options.Depth} trunk and res5 need: set this stage's depth to the backbone's.");
    }
}
