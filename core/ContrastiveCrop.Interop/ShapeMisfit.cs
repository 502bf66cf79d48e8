namespace ContrastiveCrop.Interop;

/// <summary>How a file's tensors fail to fit a model's.</summary>
public enum ShapeMisfitKind
{
    /// <summary>A tensor both have, with another shape in the file.</summary>
    DifferentShape,
    /// <summary>A tensor the model has and the file lacks.</summary>
    Missing,
    /// <summary>A tensor the file has and the model lacks.</summary>
    Unexpected,
}

/// <summary>
/// The first way a file's tensors (name → shape, read from headers) fail to fit a model's, for the checks that refuse a
/// checkpoint before any work: a shape difference first (in the model's order, so the stem side is named), then a
/// missing tensor, then an unexpected one. The callers word the message; the rule of what counts as a misfit lives here once.
/// </summary>
/// <param name="Kind">Which kind of misfit was found first.</param>
/// <param name="Name">The tensor's name (in the names both dictionaries use).</param>
/// <param name="FileShape">Its shape in the file; null when <see cref="ShapeMisfitKind.Missing"/>.</param>
/// <param name="ModelShape">Its shape in the model; null when <see cref="ShapeMisfitKind.Unexpected"/>.</param>
/// <param name="Count">How many tensors are missing or unexpected (1 for a shape difference: the first is enough to act on).</param>
public sealed record ShapeMisfit(ShapeMisfitKind Kind, string Name, long[]? FileShape, long[]? ModelShape, int Count)
{
    /// <summary>
    /// The first misfit of <paramref name="file"/> against <paramref name="model"/>, or null when every model tensor the
    /// file must have is there with the model's shape (and, with <paramref name="extraIsMisfit"/>, nothing else is).
    /// </summary>
    /// <param name="file">The file's tensors, keyed by the model's names.</param>
    /// <param name="model">The model's tensors, in the model's order.</param>
    /// <param name="mayBeMissing">Model tensors a file may leave out (e.g. batch-norm counters, absent from torchvision's files).</param>
    /// <param name="extraIsMisfit">Whether a file tensor the model lacks is a misfit (a strict load) or is ignored.</param>
    public static ShapeMisfit? Find(IReadOnlyDictionary<string, long[]> file, IReadOnlyDictionary<string, long[]> model,
        Func<string, bool>? mayBeMissing = null, bool extraIsMisfit = true)
    {
        foreach (var (name, shape) in model)
            if (file.TryGetValue(name, out var stored) && !stored.SequenceEqual(shape))
                return new ShapeMisfit(ShapeMisfitKind.DifferentShape, name, stored, shape, 1);
        var missing = model.Keys.Where(n => !file.ContainsKey(n) && !(mayBeMissing?.Invoke(n) ?? false)).ToList();
        if (missing.Count > 0) return new ShapeMisfit(ShapeMisfitKind.Missing, missing[0], null, model[missing[0]], missing.Count);
        if (!extraIsMisfit) return null;
        var unexpected = file.Keys.Where(n => !model.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        return unexpected.Count > 0 ? new ShapeMisfit(ShapeMisfitKind.Unexpected, unexpected[0], file[unexpected[0]], null, unexpected.Count) : null;
    }

    /// <summary>True for batch-norm step counters, which torchvision's published files leave out.</summary>
    public static bool IsBatchNormCounter(string name) => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    /// <summary>A shape as the messages print it: <c>[64, 3, 7, 7]</c>.</summary>
    public static string Format(long[] shape) => $"[{string.Join(", ", shape)}]";
}
