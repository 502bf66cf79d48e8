using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>Weighted kNN top-1 accuracy of the frozen backbone's pooled features.</summary>
[Plugin("knn", Description = "Weighted kNN top-1 (cosine, exp(sim/T) votes) on frozen pooled features.")]
public sealed class KnnEvaluation(KnnOptions options) : IDownstreamTask
{
    /// <inheritdoc />
    public DownstreamResult Run(DownstreamContext context)
    {
        var data = context.Data ?? throw new InvalidOperationException("The knn stage needs the recipe's data set.");
        using var train = data.Open(options.TrainSplit);
        using var test = data.Open(options.TestSplit);
        if (train.Classes.Count == 0)
            throw new DatasetException($"knn needs labels, but {train.Name} has no classes.");
        var device = context.Run.Device;
        var (bank, bankLabels) = FeatureExtractor.Extract(context.Backbone, train, options.ImageSize, options.BatchSize, context.Run.InputNormalization, device, context.Run.Log);
        var (queries, labels) = FeatureExtractor.Extract(context.Backbone, test, options.ImageSize, options.BatchSize, context.Run.InputNormalization, device, context.Run.Log);
        using (bank) using (bankLabels) using (queries) using (labels)
        using (var predicted = WeightedKnn.Predict(bank, bankLabels, queries, train.Classes.Count, options.K, options.Temperature))
        using (var correct = predicted.eq(labels).sum())
        {
            double top1 = 100.0 * correct.item<long>() / test.Count;
            context.Run.Log($"knn (k={options.K}, T={options.Temperature}): top-1 {top1:F2}% on {test.Name}");
            return new DownstreamResult(new Dictionary<string, double> { ["top1"] = top1 });
        }
    }
}
