using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
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
    /// <summary>The stage name: metrics are <c>linear-probe/step</c> and <c>linear-probe/epoch</c>.</summary>
    public const string Stage = "linear-probe";

    /// <summary>The stage name in <paramref name="context"/>: a second probe stage or a variant (the untrained baseline) gets its own checkpoint and curves, e.g. <c>linear-probe-random-init/epoch</c>.</summary>
    public static string StageOf(DownstreamContext context) => context.StageName(Stage);

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
            var labelsOnDevice = trainLabels.to(device);
            // The probe's own checkpoint: a run killed during the probe and resumed continues it from its last epoch, bit for bit.
            var checkpoint = options.CheckpointEvery > 0 ? ProbeCheckpoint.For(options, context) : null;
            using var trainer = new ProbeTrainer(options, context, fc, normalization.Module, checkpoint, train.Count, (batch, epoch) =>
            {
                var index = tensor(batch.Select(i => (long)i).ToArray(), device: device);
                var features = augmented
                    ? AugmentedFeatures.Extract(context.Backbone, train, batch, options, context.Run, epoch, device)
                    : trainFeatures!.index_select(0, index);
                return nn.functional.cross_entropy(fc.call(normalization.Apply(features, training: true)), labelsOnDevice.index_select(0, index));
            });
            trainer.Train(checkpoint is not null && File.Exists(checkpoint) ? checkpoint : null);
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

    /// <summary>
    /// The probe's training on the SDK's loop: SGD on the linear layer only, the learning rate ×γ at the
    /// milestone epochs, a fresh seeded order of the training images every epoch (the last batch may be partial).
    /// </summary>
    private sealed class ProbeTrainer : TrainerBase, IDisposable
    {
        private readonly LinearProbeOptions _options;
        private readonly ProbeState _state;
        private readonly int[] _order;
        private readonly Func<int[], int, Tensor> _loss;
        private readonly EtaProgress _progress;

        public ProbeTrainer(LinearProbeOptions options, DownstreamContext context, nn.Module fc, nn.Module? norm, string? checkpoint, int images,
                            Func<int[], int, Tensor> loss)
            : base(SettingsFor(options, context, images, checkpoint), context.Run)
        {
            (_options, _loss) = (options, loss);
            _state = new ProbeState(fc, norm);
            _order = Enumerable.Range(0, images).ToArray();
            _progress = new EtaProgress(context.Run.Log, "linear probe", options.Epochs, "epochs");
            var length = Settings.Length;
            Schedule = options.Schedule(length.BatchesPerEpoch);
            var named = fc.named_parameters().Select(p => (p.name, p.parameter)).ToList();
            Optimizer = new SgdOptimizer(OptimizerFactory.Groups(named, new ParameterGrouping(options.WeightDecay)), options.Momentum);
        }

        private static TrainerSettings SettingsFor(LinearProbeOptions options, DownstreamContext context, int images, string? checkpoint)
        {
            int stepsPerEpoch = (images + options.BatchSize - 1) / options.BatchSize;
            return new TrainerSettings(StageOf(context), new TrainingLength((long)options.Epochs * stepsPerEpoch, options.Epochs, stepsPerEpoch), context.Run.Seed)
            {
                DivergenceAdvice = "Lower the linear probe's lr.",
                CheckpointPath = checkpoint,
                CheckpointEveryEpochs = options.CheckpointEvery,
                Producer = Stage,
            };
        }

        protected override nn.Module Module => _state;
        protected override SgdOptimizer Optimizer { get; }
        protected override LearningRateSchedule Schedule { get; }

        protected override void BeginEpoch(int epoch)
        {
            // The epoch's order is a function of (seed, epoch) alone, not of the epochs before it (shuffling the previous
            // order in place would make it one), so a probe resumed at any epoch draws the same batches.
            for (int i = 0; i < _order.Length; i++) _order[i] = i;
            new Random(ContrastiveCrop.Imaging.DeterministicSeed.Combine(Run.Seed, epoch, -3)).Shuffle(_order);
        }

        protected override StepOutput ComputeStep(TrainingState state)
        {
            int start = (int)(state.Step - (long)state.Epoch * Settings.Length.BatchesPerEpoch) * _options.BatchSize;
            var batch = _order.AsSpan(start, Math.Min(_options.BatchSize, _order.Length - start)).ToArray();
            return new StepOutput(_loss(batch, state.Epoch), batch.Length);
        }

        protected override void EndEpoch(EpochSummary e)
        {
            Run.LogMetrics($"{Settings.Stage}/epoch", e.Epoch, new Dictionary<string, double> { ["epoch"] = e.Epoch, ["loss"] = e.MeanLoss, ["lr"] = e.LearningRate });
            _progress.Report(e.Epoch);
        }

        public void Dispose() => Optimizer.Dispose();
    }

    /// <summary>
    /// What the probe's checkpoint holds besides the optimiser: the classifier and, with <c>feature_norm: batch-norm</c>,
    /// the BatchNorm's running statistics (the test features are normalised with them, so a resumed probe needs them).
    /// </summary>
    private sealed class ProbeState : nn.Module
    {
#pragma warning disable IDE0052 // read by RegisterComponents, which names the state_dict entries after the fields
        private readonly nn.Module fc;
        private readonly nn.Module? norm;
#pragma warning restore IDE0052

        public ProbeState(nn.Module fc, nn.Module? norm) : base("linear-probe")
        {
            (this.fc, this.norm) = (fc, norm);
            RegisterComponents();
        }
    }
}
