using ContrastiveCrop.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// Linear evaluation: a linear classifier trained on the frozen backbone's pooled features (backbone
/// in eval mode, never updated); reports test top-1, and top-5 when there are more than 10 classes.
/// </summary>
[Plugin("linear-probe", Description = "Linear probe on frozen features: fc N(0, 0.01), SGD lr 10, 100 epochs, ×0.1 at 60/80; top-1 (top-5 when > 10 classes).")]
public sealed class LinearProbe(LinearProbeOptions options) : IDownstreamTask
{
    /// <inheritdoc />
    public DownstreamResult Run(DownstreamContext context)
    {
        var data = context.Data ?? throw new InvalidOperationException("The linear-probe stage needs the recipe's data set.");
        using var train = data.Open(options.TrainSplit);
        using var test = data.Open(options.TestSplit);
        int classes = train.Classes.Count;
        if (classes == 0) throw new DatasetException($"linear-probe needs labels, but {train.Name} has no classes.");
        var device = context.Run.Device;
        var network = context.Backbone.Network;
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var scope = NewDisposeScope();
            // With augmented features every epoch re-encodes fresh crops, so only the labels are needed up front.
            bool augmented = options.Features == "augmented";
            Tensor? trainFeatures = null;
            Tensor trainLabels;
            if (augmented)
                trainLabels = FeatureExtractor.Labels(train);
            else
            {
                var (features, labels) = FeatureExtractor.Extract(context.Backbone, train, options.ImageSize, options.BatchSize, context.Run.InputNormalization, device, context.Run.Log);
                (trainFeatures, trainLabels) = (features.to(device), labels);
            }
            var (testFeatures, testLabels) = FeatureExtractor.Extract(context.Backbone, test, options.ImageSize, options.BatchSize, context.Run.InputNormalization, device, context.Run.Log);
            network.eval(); // the extractor restores the mode it found; the probe keeps the backbone in eval mode throughout
            // Standardisation in augmented mode takes its statistics from the un-augmented training images.
            using var normalization = FeatureNormalization.Create(options.FeatureNorm, context.Backbone.FeatureDim,
                () => trainFeatures ?? FeatureExtractor.Extract(context.Backbone, train, options.ImageSize, options.BatchSize, context.Run.InputNormalization, device, context.Run.Log).Features,
                device);
            network.eval();
            var fc = nn.Linear(context.Backbone.FeatureDim, classes).to(device);
            using (no_grad())
            {
                nn.init.normal_(fc.weight!, 0, options.InitStd);
                nn.init.zeros_(fc.bias!);
            }
            var optimizer = optim.SGD(fc.parameters(), options.Lr, options.Momentum, weight_decay: options.WeightDecay);
            var labelsOnDevice = trainLabels.to(device);
            var order = Enumerable.Range(0, train.Count).ToArray();
            var progress = new EtaProgress(context.Run.Log, "linear probe", options.Epochs, "epochs");
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                context.Run.Cancellation.ThrowIfCancellationRequested();
                foreach (var group in optimizer.ParamGroups) group.LearningRate = options.LearningRateAt(epoch);
                new Random(ContrastiveCrop.Imaging.DeterministicSeed.Combine(context.Run.Seed, epoch, -3)).Shuffle(order);
                double lossSum = 0;
                int batches = 0;
                for (int start = 0; start < order.Length; start += options.BatchSize)
                {
                    using var step = NewDisposeScope();
                    var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start));
                    var index = tensor(batch.ToArray().Select(i => (long)i).ToArray(), device: device);
                    var features = augmented
                        ? AugmentedFeatures.Extract(context.Backbone, train, batch, options, context.Run, epoch, device)
                        : trainFeatures!.index_select(0, index);
                    var loss = nn.functional.cross_entropy(fc.call(normalization.Apply(features, training: true)), labelsOnDevice.index_select(0, index));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>();
                    batches++;
                }
                context.Run.LogMetrics("linear-probe/epoch", epoch + 1, new Dictionary<string, double>
                {
                    ["epoch"] = epoch + 1, ["loss"] = lossSum / batches, ["lr"] = options.LearningRateAt(epoch),
                });
                progress.Report(epoch + 1);
            }
            var metrics = new Dictionary<string, double>();
            using (no_grad())
            {
                var logits = fc.call(normalization.Apply(testFeatures.to(device), training: false)).cpu();
                metrics["top1"] = TopK(logits, testLabels, 1);
                if (classes > 10) metrics["top5"] = TopK(logits, testLabels, 5);
            }
            context.Run.Log($"linear probe ({options.Epochs} epochs, {options.Features} features, feature_norm {options.FeatureNorm}): " +
                            string.Join(", ", metrics.Select(kv => $"{kv.Key} {kv.Value:F2}%")) + $" on {test.Name}");
            return new DownstreamResult(metrics);
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>Percentage of rows whose label is among the <paramref name="k"/> largest logits.</summary>
    public static double TopK(Tensor logits, Tensor labels, int k)
    {
        using var scope = NewDisposeScope();
        var (_, top) = logits.topk(Math.Min(k, (int)logits.shape[1]), dim: 1);
        var hit = top.eq(labels.unsqueeze(1)).any(1);
        return 100.0 * hit.sum().item<long>() / labels.shape[0];
    }
}
