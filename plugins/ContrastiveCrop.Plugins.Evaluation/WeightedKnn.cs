using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// Weighted k-nearest-neighbour classification on L2-normalised features (the InstDisc monitor):
/// each of the k most cosine-similar bank samples votes for its class with weight exp(sim / T).
/// </summary>
public static class WeightedKnn
{
    /// <summary>Predicted class of every query row.</summary>
    public static Tensor Predict(Tensor bank, Tensor bankLabels, Tensor queries, int classes, int k, double temperature, int chunk = 1024)
    {
        using var scope = NewDisposeScope();
        var normBank = nn.functional.normalize(bank, dim: 1);
        var normQueries = nn.functional.normalize(queries, dim: 1);
        k = Math.Min(k, (int)bank.shape[0]);
        var predictions = new List<Tensor>();
        for (long start = 0; start < queries.shape[0]; start += chunk)
        {
            var q = normQueries.narrow(0, start, Math.Min(chunk, queries.shape[0] - start));
            var similarity = q.matmul(normBank.t());
            var (top, index) = similarity.topk(k, dim: 1);
            var weights = (top / temperature).exp();
            var votes = zeros(q.shape[0], classes, dtype: weights.dtype);
            votes.scatter_add_(1, bankLabels[index], weights);
            predictions.Add(votes.argmax(1));
        }
        return cat(predictions, 0).MoveToOuterDisposeScope();
    }
}
