using ContrastiveCrop.Sdk.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// MoCo's shuffled BatchNorm across ranks (He et al., 2019, §3.3): the key encoder sees the images of every rank
/// in a random order, so the BatchNorm statistics a key is computed with come from a random subset of the global
/// batch, not from the images its query was computed with. Without it, BatchNorm lets a query and its key share
/// their batch's statistics, which the model learns to exploit ("cheats") instead of learning good features.
/// </summary>
/// <remarks>
/// The steps (the semantics of the official code's batch shuffle and unshuffle): all-gather the key views of every
/// rank (global batch of NW images in rank order); a random permutation π of the NW positions, drawn on rank 0
/// and broadcast, so every rank uses the same one; rank r encodes the images π[rN … rN + N − 1]; the keys are
/// all-gathered (row j is the key of image π[j]) and every rank takes back, through π⁻¹, the keys of its own
/// images in its own order. Keys carry no gradient (the key encoder follows the query encoder by EMA), so no
/// collective here needs a backward pass.
/// </remarks>
public static class ShuffledKeyEncoding
{
    /// <summary>The keys of this rank's <paramref name="images"/> (N, …) in their order, encoded with the global batch shuffled across ranks.</summary>
    /// <param name="group">The job's processes; with one process this is <paramref name="encode"/>(<paramref name="images"/>).</param>
    /// <param name="images">This rank's key views; N equal on every rank.</param>
    /// <param name="encode">The key encoder, called once with N images.</param>
    public static Tensor Encode(IProcessGroup group, Tensor images, Func<Tensor, Tensor> encode) =>
        EncodeWithPermutation(group, images, encode).Keys;

    /// <summary><see cref="Encode"/>, also returning the permutation π of the global batch that was used (identity for one process).</summary>
    public static (Tensor Keys, Tensor Permutation) EncodeWithPermutation(IProcessGroup group, Tensor images, Func<Tensor, Tensor> encode)
    {
        using var noGrad = no_grad();
        long n = images.shape[0], total = n * group.WorldSize;
        if (group.WorldSize == 1) return (encode(images), arange(n, dtype: ScalarType.Int64));
        using var scope = NewDisposeScope();
        var all = group.AllGather(images.contiguous());
        // Every rank draws (keeping the ranks' generators in step), rank 0's draw is the one used.
        var permutation = randperm(total, dtype: ScalarType.Int64);
        group.Broadcast(permutation, 0);
        var device = images.device;
        var mine = permutation.narrow(0, group.Rank * n, n).to(device);
        var keys = encode(all.index_select(0, mine)).contiguous();
        // Row j of the gathered keys belongs to image π[j]; π⁻¹[g] is the row of image g.
        var shuffledKeys = group.AllGather(keys);
        var inverse = empty(total, dtype: ScalarType.Int64).scatter_(0, permutation, arange(total, dtype: ScalarType.Int64));
        var own = inverse.narrow(0, group.Rank * n, n).to(device);
        return (shuffledKeys.index_select(0, own).MoveToOuterDisposeScope(), permutation.MoveToOuterDisposeScope());
    }
}
