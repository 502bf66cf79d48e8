using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// Copies an imported backbone into a module whose state uses torchvision's names. Every name and shape
/// is checked before the first copy, so a file of another depth, width or stem fails with one message
/// naming the tensor, both shapes and the backbone options to change, instead of a native error.
/// </summary>
/// <remarks>
/// Values are copied into the module's existing parameters under <c>no_grad</c>: the parameters keep
/// <c>requires_grad</c> (PyBridge's <c>load_py</c> replaces them and clears it, so training right after
/// it does nothing), their device and their dtype.
/// </remarks>
public static class BackboneImporter
{
    /// <summary>How <paramref name="imported"/> fits <paramref name="module"/>, without changing anything.</summary>
    public static BackboneLoadReport Compare(nn.Module module, ImportedBackbone imported)
    {
        var target = module.state_dict();
        var mismatched = new List<ShapeMismatch>();
        var loadable = new List<string>();
        foreach (var (name, value) in target)
        {
            if (!imported.Tensors.TryGetValue(name, out var source)) continue;
            if (source.shape.SequenceEqual(value.shape)) loadable.Add(name);
            else mismatched.Add(new ShapeMismatch(name, source.shape, value.shape));
        }
        var missing = target.Keys.Where(k => !imported.Tensors.ContainsKey(k)).ToList();
        var unexpected = imported.Tensors.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        return new BackboneLoadReport(imported.Describe(), loadable, missing, unexpected, mismatched, imported.DroppedHeads, imported.Ignored);
    }

    /// <summary>
    /// Loads <paramref name="imported"/> into <paramref name="module"/>. Only batch-norm counters
    /// (<c>num_batches_tracked</c>, absent from torchvision's published ImageNet files) may be missing.
    /// </summary>
    /// <param name="module">The backbone network (torchvision names, no fc).</param>
    /// <param name="imported">The file's backbone.</param>
    /// <param name="optionsSection">Where the user sets the model's depth, width and stem, e.g. "the recipe's backbone section".</param>
    /// <exception cref="InteropException">A shape differs, or the file and the model do not have the same tensors.</exception>
    public static BackboneLoadReport Load(nn.Module module, ImportedBackbone imported, string optionsSection)
    {
        var report = Compare(module, imported);
        var target = module.state_dict();
        var modelShapes = target.ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var misfit = ShapeMisfit.Find(imported.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape), modelShapes, ShapeMisfit.IsBatchNormCounter);
        if (misfit is not null)
            throw new InteropException(Mismatch(modelShapes, imported, misfit, optionsSection));

        using (no_grad())
        {
            foreach (var name in report.Loaded)
                target[name].copy_(imported.Tensors[name]);
        }
        return report;
    }

    private static string Mismatch(IReadOnlyDictionary<string, long[]> modelShapes, ImportedBackbone imported, ShapeMisfit misfit, string optionsSection)
    {
        var fileSignature = imported.Signature;
        var modelSignature = ResNetSignature.Of(modelShapes);
        string what = misfit.Kind switch
        {
            ShapeMisfitKind.DifferentShape => $"tensor {new ShapeMismatch(misfit.Name, misfit.FileShape!, misfit.ModelShape!)}",
            ShapeMisfitKind.Missing => $"the model's '{misfit.Name}' is not in the file ({misfit.Count} missing)",
            _ => $"the file's '{misfit.Name}' is not in the model ({misfit.Count} unexpected)",
        };
        if (modelSignature is null)
            return $"{imported.Describe()} does not fit the backbone: {what}. The file is {fileSignature.Describe()}; the backbone is not a torchvision-layout ResNet.";
        string change = fileSignature.OptionsToMatch(modelSignature);
        return $"{imported.Describe()} does not fit the backbone: {what}. The file is {fileSignature.Describe()}; the model is {modelSignature.Describe()}. " +
               (change.Length > 0 ? $"Set {change} in {optionsSection}." : "Check that the file is a plain torchvision ResNet.");
    }
}
