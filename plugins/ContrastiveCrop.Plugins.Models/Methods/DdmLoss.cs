using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// CLSA's distributional divergence minimisation: the strongly augmented query's distribution over
/// [positive key; queue] is pulled towards the weak query's, −Σ p_weak · log p_strong, with
/// p = softmax(q · [k; queue] / T) and p_weak treated as a fixed target (no gradient).
/// </summary>
public static class DdmLoss
{
    /// <summary>Mean over the batch of the cross-entropy between the weak and strong retrieval distributions.</summary>
    /// <param name="weakQueries">L2-normalised queries of the weak views (N, D).</param>
    /// <param name="strongQueries">L2-normalised queries of the strong views (N, D).</param>
    /// <param name="keys">L2-normalised positive keys (N, D).</param>
    /// <param name="queue">Negative keys (K, D).</param>
    /// <param name="temperature">T of the softmax.</param>
    public static Tensor Compute(Tensor weakQueries, Tensor strongQueries, Tensor keys, Tensor queue, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        using var scope = NewDisposeScope();
        Tensor target;
        using (no_grad())
            target = nn.functional.softmax(Logits(weakQueries, keys, queue, temperature), 1);
        var logProbabilities = nn.functional.log_softmax(Logits(strongQueries, keys, queue, temperature), 1);
        return (-(target * logProbabilities).sum(1)).mean().MoveToOuterDisposeScope();
    }

    private static Tensor Logits(Tensor queries, Tensor keys, Tensor queue, double temperature) =>
        cat([(queries * keys).sum(1, keepdim: true), queries.matmul(queue.t())], 1) / temperature;
}
