namespace ContrastiveCrop.Interop;

/// <summary>One tensor whose shape in the file differs from the model's.</summary>
public sealed record ShapeMismatch(string Name, long[] FileShape, long[] ModelShape)
{
    /// <summary>E.g. "'layer1.0.conv1.weight' is [64, 64, 3, 3] in the file, [16, 16, 3, 3] in the model".</summary>
    public override string ToString() => $"'{Name}' is {ShapeMisfit.Format(FileShape)} in the file, {ShapeMisfit.Format(ModelShape)} in the model";
}

/// <summary>How an imported backbone's tensors met a model's state, by torchvision name.</summary>
/// <param name="Source">Where the tensors came from (<see cref="ImportedBackbone.Describe"/>).</param>
/// <param name="Loaded">Model tensors that received the file's values.</param>
/// <param name="Missing">Model tensors the file lacks (left as they were).</param>
/// <param name="Unexpected">Backbone tensors of the file the model lacks.</param>
/// <param name="ShapeMismatched">Tensors both have, with different shapes.</param>
/// <param name="DroppedHeads">The file's classifier / projection head tensors, not loaded by design.</param>
/// <param name="Ignored">The file's tensors outside the backbone (other encoders, queues, optimiser state).</param>
public sealed record BackboneLoadReport(
    string Source, IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> ShapeMismatched, IReadOnlyList<string> DroppedHeads, IReadOnlyList<string> Ignored)
{
    /// <summary>One line for the run log.</summary>
    public string Summary() =>
        $"{Source}: loaded {Loaded.Count}, missing {Missing.Count}{List(Missing)}, unexpected {Unexpected.Count}{List(Unexpected)}, " +
        $"shape-mismatched {ShapeMismatched.Count}{List(ShapeMismatched.Select(m => m.Name).ToList())}, " +
        $"dropped head {DroppedHeads.Count}{List(DroppedHeads)}, ignored {Ignored.Count}{List(Ignored)}";

    private static string List(IReadOnlyList<string> names) =>
        names.Count == 0 ? "" : $" ({string.Join(", ", names.Take(4))}{(names.Count > 4 ? ", …" : "")})";
}
