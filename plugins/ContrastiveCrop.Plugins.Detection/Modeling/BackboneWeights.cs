using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>Which tensors an initialisation copied, which detector tensors it left at their fresh values, and which source tensors it ignored.</summary>
/// <param name="Loaded">Detector names that received a pretrained tensor.</param>
/// <param name="Missing">Detector trunk/res5 names with no pretrained tensor (left initialised).</param>
/// <param name="New">Detector names that pretraining never has (RPN, predictors, extra norm, mask head).</param>
/// <param name="Unexpected">Source names that map to nothing (e.g. a classifier's <c>fc.*</c>).</param>
internal sealed record WeightLoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> New, IReadOnlyList<string> Unexpected)
{
    public string Summary() =>
        $"loaded {Loaded.Count} tensors, missing {Missing.Count}{List(Missing)}, new (detection-only) {New.Count}, unexpected {Unexpected.Count}{List(Unexpected)}";

    private static string List(IReadOnlyList<string> names) =>
        names.Count == 0 ? "" : $" ({string.Join(", ", names.Take(6))}{(names.Count > 6 ? ", …" : "")})";
}

/// <summary>
/// Maps a torchvision-named ResNet state (<c>conv1</c>, <c>bn1</c>, <c>layer1</c>..<c>layer4</c>)
/// onto the C4 detector: stem and layer1..3 → <c>backbone.*</c>, layer4 → <c>roi_heads.res5.layer4.*</c>.
/// </summary>
internal static class BackboneWeights
{
    /// <summary>The detector name a backbone tensor maps to, or null.</summary>
    public static string? Map(string sourceName)
    {
        if (sourceName.StartsWith("layer4.", StringComparison.Ordinal)) return RcnnC4.Res5Prefix + sourceName;
        if (sourceName.StartsWith("conv1.", StringComparison.Ordinal) || sourceName.StartsWith("bn1.", StringComparison.Ordinal) ||
            sourceName.StartsWith("layer1.", StringComparison.Ordinal) || sourceName.StartsWith("layer2.", StringComparison.Ordinal) ||
            sourceName.StartsWith("layer3.", StringComparison.Ordinal))
            return RcnnC4.TrunkPrefix + sourceName;
        return null;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="model"/>.
    /// </summary>
    /// <exception cref="DetectionSetupException">A tensor's shape differs, or nothing matches: the pretrained backbone is not the detector's architecture.</exception>
    public static WeightLoadReport Load(RcnnC4 model, IReadOnlyDictionary<string, Tensor> source, string sourceDescription)
    {
        var target = model.state_dict();
        var loaded = new List<string>();
        var unexpected = new List<string>();
        using (no_grad())
        {
            foreach (var (name, tensor) in source)
            {
                var mapped = Map(name);
                if (mapped is null || !target.TryGetValue(mapped, out var destination))
                {
                    unexpected.Add(name);
                    continue;
                }
                if (!destination.shape.SequenceEqual(tensor.shape))
                    throw new DetectionSetupException(
                        $"The pretrained backbone ({sourceDescription}) does not match the detector: '{name}' has shape " +
                        $"[{string.Join(", ", tensor.shape)}] but the detector's '{mapped}' has [{string.Join(", ", destination.shape)}]. " +
                        $"Set the detection task's depth/width_multiplier to those of pretrain.backbone (detector: ResNet-{model.Architecture.Depth} " +
                        $"× {model.Architecture.WidthMultiplier}); a small-data (CIFAR) stem cannot be used for detection.");
                destination.copy_(tensor.to(destination.device));
                loaded.Add(mapped);
            }
        }
        if (loaded.Count == 0)
            throw new DetectionSetupException(
                $"The pretrained backbone ({sourceDescription}) has no tensor with a ResNet name (conv1, bn1, layer1..layer4); " +
                "detection needs a torchvision-layout ResNet backbone, or init: random.");
        var loadedSet = loaded.ToHashSet();
        var backboneNames = target.Keys.Where(k => k.StartsWith(RcnnC4.TrunkPrefix, StringComparison.Ordinal) ||
                                                   (k.StartsWith(RcnnC4.Res5Prefix + "layer4.", StringComparison.Ordinal))).ToList();
        var missing = backboneNames.Where(k => !loadedSet.Contains(k)).ToList();
        var fresh = target.Keys.Where(k => !backboneNames.Contains(k)).ToList();
        return new WeightLoadReport(loaded, missing, fresh, unexpected);
    }
}
