using ContrastiveCrop.Sdk.Distributed;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Exact K-nearest-neighbour search by cosine similarity over a whole feature set, self excluded,
/// computed in blocks of rows so memory stays at (block × N) similarities.
/// </summary>
public static class NearestNeighbourSearch
{
    /// <summary>Rows of the similarity matrix held at once.</summary>
    public const int DefaultBlockRows = 1024;

    /// <summary>
    /// Returns, for every row of <paramref name="features"/> (N, D), the indices of its
    /// <paramref name="k"/> most cosine-similar other rows, most similar first, as N × K values row-major.
    /// Equal similarities are ordered by index (a stable sort), so the result does not depend on the device.
    /// </summary>
    public static int[] Search(Tensor features, int k, int blockRows = DefaultBlockRows)
    {
        if (features.dim() != 2) throw new ArgumentException($"Features must be (N, D); got [{string.Join(", ", features.shape)}].", nameof(features));
        long n = features.shape[0];
        if (k < 1 || k > n - 1)
            throw new ArgumentOutOfRangeException(nameof(k), $"Need 1 <= K <= N - 1 neighbours for {n} images; got K = {k}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        using var scope = NewDisposeScope();
        var unit = nn.functional.normalize(features.to(float32), dim: 1);
        var result = new int[n * k];
        for (long start = 0; start < n; start += blockRows)
            SearchBlock(unit, start, Math.Min(blockRows, n - start), k, result.AsSpan((int)(start * k)));
        return result;
    }

    /// <summary>
    /// <see cref="Search(Tensor, int, int)"/> with the blocks of rows split among the ranks of <paramref name="group"/>
    /// (<see cref="ShardedBatches"/>) and the results all-gathered: every rank gets the whole table, equal to one
    /// process's (each block is the same matrix product one process computes). <paramref name="features"/> must be
    /// the same on every rank.
    /// </summary>
    public static int[] Search(Tensor features, int k, IProcessGroup group, int blockRows = DefaultBlockRows)
    {
        if (group.WorldSize == 1) return Search(features, k, blockRows);
        if (features.dim() != 2) throw new ArgumentException($"Features must be (N, D); got [{string.Join(", ", features.shape)}].", nameof(features));
        int n = (int)features.shape[0];
        if (k < 1 || k > n - 1)
            throw new ArgumentOutOfRangeException(nameof(k), $"Need 1 <= K <= N - 1 neighbours for {n} images; got K = {k}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        using var scope = NewDisposeScope();
        var unit = nn.functional.normalize(features.to(float32), dim: 1);
        var shard = ShardedBatches.Of(group, n, blockRows);
        var own = new int[shard.Indices.Length * k];
        int written = 0;
        foreach (var block in shard.Batches())
        {
            SearchBlock(unit, block[0], block.Length, k, own.AsSpan(written));
            written += block.Length * k;
        }
        var all = shard.Gather(group, tensor(own, [own.Length / k, k]));
        return all.data<int>().ToArray();
    }

    // Rows start … start + rows − 1 of the table, written to destination (rows × k values).
    private static void SearchBlock(Tensor unit, long start, long rows, int k, Span<int> destination)
    {
        using var block = NewDisposeScope();
        var similarity = unit.narrow(0, start, rows).matmul(unit.t());
        var self = arange(start, start + rows, dtype: int64, device: similarity.device).unsqueeze(1);
        similarity.scatter_(1, self, full(rows, 1, float.NegativeInfinity, dtype: similarity.dtype, device: similarity.device));
        var order = similarity.sort(dim: 1, descending: true, stable: true).Indices;
        order.narrow(1, 0, k).to(int32).cpu().data<int>().CopyTo(destination[..(int)(rows * k)]);
    }
}
