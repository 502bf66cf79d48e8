using ContrastiveCrop.Contracts;
using ContrastiveCrop.Interop;
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
        var detector = DetectorShapes(options);
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
        int wanted = detector.Keys.Count(IsBackbone);
        if (mapped == 0)
            yield return new OptionError("init", $"{description} has no tensor with a ResNet name (conv1, bn1, layer1..layer4): init: backbone needs a torchvision-layout ResNet; use init: random.");
        else if (mapped < wanted)
            yield return new OptionError("depth", $"{description} has {mapped} of the {wanted} tensors the detector's ResNet-{options.Depth} trunk and res5 need: set this stage's depth to the backbone's.");
    }

    /// <summary>
    /// Whether an <c>init: checkpoint</c> file's backbone, read from its headers, fits the detector: every detector
    /// trunk and res5 tensor the file has must have the detector's shape, and only batch-norm counters (absent from
    /// torchvision's published files) may be missing. <see cref="BackboneWeights.Load"/> would leave a missing block
    /// at its random initialisation without failing, so a file of a shallower ResNet is refused here too.
    /// </summary>
    /// <returns>At most one problem, at the <c>checkpoint</c> key: the file, the first tensor that differs, and what to change.</returns>
    public static IEnumerable<OptionError> CheckFile(RcnnOptions options, BackboneShapes file)
    {
        var detector = DetectorShapes(options);
        // Detector name → the file's torchvision name; compared in the detector's own order, so "first" is the stem side.
        var source = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in file.Tensors.Keys)
            if (BackboneWeights.Map(name) is { } target) source[target] = name;
        var backboneNames = detector.Keys.Where(IsBackbone).ToList();
        string detectorName = $"ResNet-{options.Depth} × {options.WidthMultiplier.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        string Advice()
        {
            var fileSignature = file.Signature;
            var modelSignature = ResNetSignature.Of(backboneNames.ToDictionary(Unmap, n => detector[n]));
            if (fileSignature.SmallDataStem)
                return $"The file holds {fileSignature.Describe()}, which cannot be used for detection: give a checkpoint with the 7×7 ImageNet stem, or init: random.";
            var change = modelSignature is null ? "" : fileSignature.OptionsToMatch(modelSignature);
            return $"The file holds {fileSignature.Describe()}: " +
                   (change.Length > 0 ? $"set this stage's {change}, or give a {detectorName} checkpoint." : $"give a {detectorName} checkpoint.");
        }
        var fileShapes = source.ToDictionary(kv => kv.Key, kv => file.Tensors[kv.Value].Shape);
        var misfit = ShapeMisfit.Find(fileShapes, backboneNames.ToDictionary(n => n, n => detector[n]),
            ShapeMisfit.IsBatchNormCounter, extraIsMisfit: false);
        if (misfit is null) yield break;
        yield return new OptionError("checkpoint", misfit.Kind == ShapeMisfitKind.DifferentShape
            ? $"{file.Describe()} does not fit the detector ({detectorName}): the file's '{source[misfit.Name]}' has shape {ShapeMisfit.Format(misfit.FileShape!)} " +
              $"but the detector's '{misfit.Name}' has {ShapeMisfit.Format(misfit.ModelShape!)}. {Advice()}"
            : $"{file.Describe()} does not fit the detector ({detectorName}): the file has no '{Unmap(misfit.Name)}' ({misfit.Count} of the detector's " +
              $"{backboneNames.Count} trunk and res5 tensors missing). {Advice()}");
    }

    private static bool IsBackbone(string detectorName) =>
        detectorName.StartsWith(RcnnC4.TrunkPrefix, StringComparison.Ordinal) || detectorName.StartsWith(RcnnC4.Res5Prefix + "layer4.", StringComparison.Ordinal);

    /// <summary>The torchvision name <see cref="BackboneWeights.Map"/> maps to a detector trunk or res5 name.</summary>
    private static string Unmap(string detectorName) =>
        detectorName.StartsWith(RcnnC4.Res5Prefix, StringComparison.Ordinal) ? detectorName[RcnnC4.Res5Prefix.Length..] : detectorName[RcnnC4.TrunkPrefix.Length..];

    /// <summary>Every detector tensor's shape, in the module's order, from a detector built (untrained) for these options.</summary>
    private static Dictionary<string, long[]> DetectorShapes(RcnnOptions options)
    {
        using (NewDisposeScope())
        {
            // The backbone tensors do not depend on the number of classes; one class keeps the predictor small.
            using var model = new RcnnC4(options.Architecture(1, masks: false));
            return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        }
    }
}
