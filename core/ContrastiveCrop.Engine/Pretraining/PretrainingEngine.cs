using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Diagnostics;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>
/// Pretraining on the SDK's loop: batches of augmented views in, the method's loss, SGD with warm-up and
/// cosine decay, and the hooks the sampler and the method contribute (through <see cref="IHookProvider"/>)
/// followed by the run's own (monitor, custom hooks). Checkpoints hold the method's whole state, the
/// optimiser, the schedule position and every stateful plugin's and hook's state, so a run resumes exactly.
/// </summary>
/// <remarks>
/// Data parallelism (a run whose context offers a process group of several ranks): <c>pretrain.batch_size</c> stays
/// the global batch — each rank reads its share of every batch of one shared permutation — so a recipe takes the
/// same optimiser steps, learning rates and schedule on any number of processes, and a 2-process step equals the
/// 1-process step wherever BatchNorm does not see the batch split. Parameters and buffers come from rank 0 before the
/// first step, gradients are averaged after every backward pass (<see cref="GradientAveragingHook"/>), and plugins
/// that span ranks (<see cref="IUsesProcessGroup"/>) get the group.
/// </remarks>
/// <param name="options">The recipe's <c>pretrain</c> section.</param>
/// <param name="run">The run.</param>
/// <param name="hooks">Hooks of the run itself, after those the plugins contribute.</param>
public sealed class PretrainingEngine(PretrainOptions options, RunContext run, IReadOnlyList<HookBase>? hooks = null)
{
    /// <summary>The name of the newest checkpoint in a run's checkpoint folder.</summary>
    public const string LastCheckpoint = "last.pt";

    /// <summary>The stage name: metrics are <c>pretrain/step</c> and <c>pretrain/epoch</c>.</summary>
    public const string Stage = "pretrain";

    /// <summary>Summary of a finished pretraining.</summary>
    /// <param name="FinalLoss">Mean loss of the last epoch.</param>
    /// <param name="Seconds">Wall time of this invocation.</param>
    /// <param name="DataWaitFraction">Fraction of the wall time the loop waited for data.</param>
    /// <param name="CheckpointPath">The final checkpoint.</param>
    /// <param name="ImagesPerSecond">Training images per second over this invocation (hooks and checkpoints included).</param>
    /// <param name="HookResults">The results-table rows of the hooks that have some (<see cref="HookBase.ResultsLabel"/>), in registration order.</param>
    public sealed record Result(double FinalLoss, double Seconds, double DataWaitFraction, string CheckpointPath, double ImagesPerSecond,
                                IReadOnlyList<(string Label, IReadOnlyDictionary<string, double> Metrics)> HookResults);

    /// <summary>
    /// Trains <paramref name="method"/> on <paramref name="data"/> with crops from <paramref name="sampler"/>;
    /// with <paramref name="resumeFrom"/>, first restores that checkpoint and continues after its epoch.
    /// </summary>
    public Result Train(IImageDataset data, ICropSampler sampler, ISiameseMethod method, IBackbone backbone, string? resumeFrom = null)
    {
        var group = RunServices.ProcessGroup(run);
        var loader = new ViewBatchLoader(data, sampler, method.Views, options.ImageSize, options.BatchSize, run.Seed, run.InputNormalization,
                                         method as IViewImageSelector);
        if (group.WorldSize > 1) loader = loader.ShardOf(group.Rank, group.WorldSize);
        if (loader.BatchesPerEpoch == 0)
            throw new StageSetupException($"pretrain.batch_size {options.BatchSize} is larger than the data set ({data.Count} images).");
        method.Module.to(run.Device);
        method.Module.train();
        using var trainer = new Trainer(options, run, loader, method, sampler) { World = group.WorldSize };
        if (group.WorldSize > 1)
        {
            foreach (var plugin in new object[] { method, sampler })
                if (plugin is IUsesProcessGroup user) user.UseProcessGroup(group);
            // First, so the replicas are equal (rank 0's parameters) before any other hook looks at the model.
            trainer.Register([new GradientAveragingHook(group, method.Module)]);
        }
        var context = new HookContext(Stage, run, backbone, data, new EvalFeaturePass(options.BatchSize, options.ImageSize));
        // The method's hooks first (e.g. a neighbour table the next epoch's views need), then the sampler's, then the run's.
        foreach (var plugin in new object[] { method, sampler })
            if (plugin is IHookProvider provider) trainer.Register(provider.CreateHooks(context));
        trainer.Register(hooks ?? []);
        var result = trainer.Train(resumeFrom);
        var hookResults = trainer.Hooks.Where(h => h.ResultsLabel is not null).Select(h => (h.ResultsLabel!, h.Results())).ToList();
        return new Result(result.FinalLoss, result.Seconds, trainer.WaitSeconds / Math.Max(result.Seconds, 1e-9), trainer.Settings.CheckpointPath!,
                          result.Steps * (double)options.BatchSize / Math.Max(result.Seconds, 1e-9), hookResults);
    }

    /// <summary>The pretraining stage on the SDK's loop: the method's forward pass over the loader's batches.</summary>
    private sealed class Trainer : TrainerBase, IDisposable
    {
        private readonly PretrainOptions _options;
        private readonly ViewBatchLoader _loader;
        private readonly ISiameseMethod _method;
        private readonly RunContext _run;
        private IAsyncEnumerator<ViewBatch>? _batches;
        private int _embeddingDimension;

        public Trainer(PretrainOptions options, RunContext run, ViewBatchLoader loader, ISiameseMethod method, ICropSampler sampler)
            : base(SettingsFor(options, run, loader), run)
        {
            (_options, _run, _loader, _method) = (options, run, loader, method);
            var stateful = new Dictionary<string, IStatefulPlugin>();
            if (sampler is IStatefulPlugin s) stateful["sampler"] = s;
            if (method is IStatefulPlugin m) stateful["method"] = m;
            StatefulPlugins = stateful;
            var length = base.Settings.Length;
            Schedule = LearningRateSchedule.Cosine(options.Lr, length.TotalSteps, length.WarmupSteps(options.WarmupEpochs));
            var named = OptimizerFactory.Named(method.Module, method.TrainableParameters, method.GetType().Name);
            Optimizer = new SgdOptimizer(OptimizerFactory.Groups(named,
                new ParameterGrouping(options.WeightDecay, options.ExcludeNormAndBiasFromWeightDecay, options.FixedLrParameters)), options.Momentum);
        }

        private static TrainerSettings SettingsFor(PretrainOptions options, RunContext run, ViewBatchLoader loader) =>
            new(Stage, TrainingLength.From(options.Epochs, options.Iterations, loader.BatchesPerEpoch), run.Seed)
            {
                LogEvery = options.LogEvery,
                CheckpointPath = Path.Combine(run.Directory.CheckpointDirectory, LastCheckpoint),
                CheckpointEveryEpochs = options.CheckpointEvery,
                ClipGradNorm = options.ClipGradNorm,
                DivergenceAdvice = "Lower pretrain.lr, add warm-up or set pretrain.clip_grad_norm.",
            };

        protected override nn.Module Module => _method.Module;
        protected override SgdOptimizer Optimizer { get; }
        protected override LearningRateSchedule Schedule { get; }

        /// <summary>Processes sharing each batch; throughput counts the global batch.</summary>
        public int World { get; init; } = 1;
        protected override IReadOnlyDictionary<string, IStatefulPlugin> StatefulPlugins { get; }

        /// <summary>Seconds the loop waited for data over this invocation.</summary>
        public double WaitSeconds { get; private set; }

        private int PrefetchBatches => _options.PrefetchBatches ?? (_run.Device.type == DeviceType.CPU ? 0 : 2);

        protected override void BeginEpoch(int epoch)
        {
            // The torch generator is a function of (seed, epoch), so a resumed run draws what an uninterrupted one would.
            manual_seed(DeterministicSeed.Combine(_run.Seed, epoch, -2));
            _batches = _loader.Epoch(epoch, PrefetchBatches, _run.Cancellation).GetAsyncEnumerator();
        }

        protected override StepOutput ComputeStep(TrainingState state)
        {
            if (!_batches!.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                throw new InvalidOperationException($"The loader ended epoch {state.Epoch + 1} before step {state.Step + 1}.");
            var batch = _batches.Current;
            var views = batch.Views.Select((v, i) => tensor(v, [batch.Indices.Length, 3, batch.Sizes[i], batch.Sizes[i]]).to(_run.Device)).ToList();
            var output = _method.ComputeLoss(views, ProgressOf(state));
            var observations = new Dictionary<string, Tensor>();
            if (output.PositiveSimilarity is { } similarity) observations["positive_similarity"] = similarity;
            if (output.Embeddings is { } embeddings)
            {
                // SimSiam's collapse measure, averaged over the epoch like the other observations.
                observations[EmbeddingSpread.StdMetric] = tensor((float)EmbeddingSpread.Std(embeddings));
                _embeddingDimension = (int)embeddings.shape[1];
            }
            return new StepOutput(output.Loss, batch.Indices.Length * World) { Observations = observations.Count > 0 ? observations : null };
        }

        protected override void AfterOptimizerStep(TrainingState state) => _method.AfterOptimizerStep(ProgressOf(state));

        protected override void FinishEpoch(int epoch)
        {
            _batches?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _batches = null;
            WaitSeconds += _loader.WaitSeconds;
        }

        protected override void EndEpoch(EpochSummary e)
        {
            double imagesPerSecond = e.Images / e.Seconds;
            var values = new Dictionary<string, double>
            {
                ["epoch"] = e.Epoch, ["loss"] = e.MeanLoss, ["lr"] = e.LearningRate,
                ["images_per_second"] = imagesPerSecond, ["data_wait_fraction"] = _loader.WaitSeconds / e.Seconds,
                ["managed_mb"] = GC.GetTotalMemory(false) / 1e6, ["resident_mb"] = Environment.WorkingSet / 1e6,
            };
            foreach (var (name, value) in e.Observations) values[name] = value;
            if (e.Observations.ContainsKey(EmbeddingSpread.StdMetric)) values[EmbeddingSpread.DimensionMetric] = _embeddingDimension;
            _run.LogMetrics($"{Stage}/epoch", e.Step, values);
            _run.Log($"epoch {e.Epoch}/{base.Settings.Length.TotalEpochs}  loss {e.MeanLoss:F4}  lr {e.LearningRate:G3}  {imagesPerSecond:F0} img/s");
            if (e.Observations.TryGetValue(EmbeddingSpread.StdMetric, out var spread) && EmbeddingSpread.LooksCollapsed(spread, _embeddingDimension))
                _run.Log(EmbeddingSpread.Warning(e.Epoch, spread, _embeddingDimension));
        }

        private static TrainingProgress ProgressOf(TrainingState state) => new(state.Epoch, state.TotalEpochs, state.Step, state.TotalSteps);

        public void Dispose() => Optimizer.Dispose();
    }
}
