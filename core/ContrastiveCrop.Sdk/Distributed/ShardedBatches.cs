using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>
/// A pass over <see cref="Count"/> items in batches of <see cref="BatchSize"/> (a box update, a neighbour search),
/// split among the ranks of a job: batch b (items bB … bB + B − 1) is rank (b mod W)'s. Every rank computes its
/// batches, then <see cref="Gather"/> gives every rank the rows of all items in item order.
/// </summary>
/// <remarks>
/// Why whole batches, dealt round-robin: each item is computed in exactly the batch a single process puts it in, so
/// batch-size-dependent kernels (convolution algorithms, blocked matrix products) give bit-identical results and the
/// gathered rows equal a single process's exactly; dealing round-robin keeps the ranks' loads within one batch.
/// </remarks>
/// <param name="Count">Items in the pass.</param>
/// <param name="BatchSize">Items per batch (the last may be shorter).</param>
/// <param name="Rank">This process's rank.</param>
/// <param name="WorldSize">Ranks sharing the pass.</param>
public sealed record ShardedBatches(int Count, int BatchSize, int Rank, int WorldSize)
{
    /// <summary>The pass of one process: every batch.</summary>
    public static ShardedBatches Whole(int count, int batchSize) => new(count, batchSize, 0, 1);

    /// <summary>This rank's share of the pass over <paramref name="count"/> items.</summary>
    public static ShardedBatches Of(IProcessGroup group, int count, int batchSize) => new(count, batchSize, group.Rank, group.WorldSize);

    private int BatchCount => (Count + BatchSize - 1) / BatchSize;

    // Rank 0 holds the most batches; every rank's gathered block is padded to this many rows.
    private int RowsPerRank => (BatchCount + WorldSize - 1) / WorldSize * BatchSize;

    /// <summary>This rank's batches, in order, each the item indices it covers.</summary>
    public IEnumerable<int[]> Batches()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "A batch needs at least one item.");
        for (int b = Rank; b < BatchCount; b += WorldSize)
        {
            int start = b * BatchSize;
            yield return Enumerable.Range(start, Math.Min(BatchSize, Count - start)).ToArray();
        }
    }

    /// <summary>The items of <see cref="Batches"/>, concatenated: the order of the rows <see cref="Gather"/> expects.</summary>
    public int[] Indices => Batches().SelectMany(b => b).ToArray();

    /// <summary>
    /// Every rank's <paramref name="rows"/> (one per item of its <see cref="Indices"/>, in that order; any trailing shape
    /// and type, the same on every rank) as one tensor of <see cref="Count"/> rows in item order, the same on every rank.
    /// </summary>
    public Tensor Gather(IProcessGroup group, Tensor rows)
    {
        if (group.WorldSize != WorldSize || group.Rank != Rank)
            throw new ArgumentException($"These batches are rank {Rank} of {WorldSize}'s; the group is rank {group.Rank} of {group.WorldSize}.", nameof(group));
        int own = Indices.Length;
        if (rows.shape[0] != own)
            throw new ArgumentException($"Rank {Rank} covers {own} items but {rows.shape[0]} rows were given.", nameof(rows));
        if (WorldSize == 1) return rows.detach().clone();
        using var scope = NewDisposeScope();
        var shape = rows.shape.ToArray();
        shape[0] = RowsPerRank;
        var padded = zeros(shape, dtype: rows.dtype, device: rows.device);
        if (own > 0) padded.narrow(0, 0, own).copy_(rows.detach());
        var gathered = group.AllGather(padded);
        // Item g is in batch b = g / B, the (b / W)-th batch of rank b mod W, at row g mod B of it.
        var order = new long[Count];
        for (int g = 0; g < Count; g++)
        {
            int b = g / BatchSize;
            order[g] = (long)(b % WorldSize) * RowsPerRank + (long)(b / WorldSize) * BatchSize + g % BatchSize;
        }
        return gathered.index_select(0, tensor(order, device: gathered.device)).MoveToOuterDisposeScope();
    }
}
