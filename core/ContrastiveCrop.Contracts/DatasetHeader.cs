namespace ContrastiveCrop.Contracts;

/// <summary>
/// What a split holds, read from file headers and folder listings without decoding images, so the
/// host can check a recipe against the data before any work starts.
/// </summary>
/// <param name="Count">Number of images.</param>
/// <param name="Classes">Class names in label order; empty for unlabeled data.</param>
public sealed record DatasetHeader(int Count, IReadOnlyList<string> Classes)
{
    /// <summary>Things the user should know that do not stop a run (e.g. an empty class folder), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Implemented by an options record whose plugin reads splits of the run's data set (a kNN monitor,
/// a linear probe), so the host can check, before any work starts, that each split exists and is large enough.
/// </summary>
public interface IDataRequirements
{
    /// <summary>The splits read, each with the fewest images it needs and the option that needs them.</summary>
    IEnumerable<DataRequirement> DataRequirements();
}

/// <summary>A split a plugin reads and the fewest images it needs.</summary>
/// <param name="Split">The split name, e.g. <c>train</c>.</param>
/// <param name="MinimumImages">The fewest images that work (1 when any non-empty split does).</param>
/// <param name="Key">The option (recipe key relative to the plugin's section) that asks for the split or sets the minimum.</param>
/// <param name="Reason">Why the minimum holds, e.g. <c>k = 200 neighbours are voted from the training images</c>.</param>
public sealed record DataRequirement(string Split, int MinimumImages, string Key, string Reason);
