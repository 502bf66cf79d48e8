using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Checkpoints;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Every training image's K nearest neighbours (WCL's KNN multi-crop), shared by the hook that
/// recomputes it between epochs and the loader that draws neighbour views from it. Empty until the
/// first update; checkpointed with the run (as the state of its <see cref="NeighbourTableHook"/>).
/// </summary>
/// <remarks>Written only between epochs, while no loader is producing batches.</remarks>
public sealed class NeighbourTable : IStatefulPlugin
{
    private const string StateKey = "indices";
    private int[]? _neighbours;

    /// <summary>An empty table for <paramref name="imageCount"/> images and <paramref name="neighbourCount"/> neighbours each.</summary>
    public NeighbourTable(int imageCount, int neighbourCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbourCount, 1);
        if (neighbourCount >= imageCount)
            throw new ArgumentException($"Neighbour crops need fewer neighbours per image than images: K = {neighbourCount}, {imageCount} images.");
        ImageCount = imageCount;
        NeighbourCount = neighbourCount;
    }

    /// <summary>Number of images.</summary>
    public int ImageCount { get; }

    /// <summary>K.</summary>
    public int NeighbourCount { get; }

    /// <summary>True once a table has been computed or restored.</summary>
    public bool IsReady => _neighbours is not null;

    /// <summary>The <paramref name="rank"/>-th nearest neighbour (0 = nearest) of image <paramref name="index"/>.</summary>
    public int Neighbour(int index, int rank) =>
        (_neighbours ?? throw new InvalidOperationException("The neighbour table has not been computed yet."))[index * NeighbourCount + rank];

    /// <summary>Replaces the table with <paramref name="table"/>: N × K indices row-major, nearest first.</summary>
    public void Update(int[] table)
    {
        if (table.Length != ImageCount * NeighbourCount)
            throw new ArgumentException($"A neighbour table for {ImageCount} images × {NeighbourCount} needs {ImageCount * NeighbourCount} entries; got {table.Length}.");
        if (table.Any(i => i < 0 || i >= ImageCount))
            throw new ArgumentException($"Neighbour indices must lie in [0, {ImageCount}).");
        _neighbours = table;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> GetState() =>
        _neighbours is null
            ? new Dictionary<string, Tensor>()
            : new Dictionary<string, Tensor> { [StateKey] = tensor(_neighbours.Select(i => (long)i).ToArray(), [ImageCount, NeighbourCount]) };

    /// <inheritdoc />
    public void SetState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue(StateKey, out var saved)) return;
        if (!saved.shape.SequenceEqual(new long[] { ImageCount, NeighbourCount }))
            throw new CheckpointException(
                $"The checkpoint's neighbour table is [{string.Join(", ", saved.shape)}], but this run has {ImageCount} images and K = {NeighbourCount}; " +
                "resume with the run's own recipe and data.");
        Update(saved.to(int64).cpu().data<long>().Select(i => (int)i).ToArray());
    }
}
