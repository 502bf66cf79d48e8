using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Training;

/// <summary>
/// Iteration-based fine-tuning on the SDK's loop, as detectron2's SimpleTrainer with the MoCo recipe: SGD
/// with momentum, weight decay on all but batch-norm parameters, linear warm-up then steps; images drawn in
/// a seeded per-epoch order, each with a random shorter side and flip. The stage is one "epoch" of all its
/// iterations; its checkpoint (<c>checkpoints/&lt;stage&gt;.pt</c>, the SDK's format) is written every
/// <c>checkpoint_every</c> iterations and at the end, and a resumed run continues from it.
/// </summary>
/// <remarks>
/// Data-parallel (a job of W ranks): <c>batch_size</c> stays the global batch, as in pretraining: each iteration's B
/// images are drawn exactly as one process draws them and rank r loads images rB/W … (r + 1)B/W − 1 of them;
/// parameters come from rank 0 and gradients are averaged before every step (<see cref="GradientAveragingHook"/>, as
/// detectron2 under DDP does), so the replicas stay equal; rank 0 alone writes the checkpoint.
/// </remarks>
internal sealed class DetectionTrainer : TrainerBase, IDisposable
{
    private readonly RcnnOptions _options;
    private readonly RcnnC4 _model;
    private readonly IReadOnlyList<DetectionRecord> _records;
    private readonly IProcessGroup _group;

    /// <summary>
    /// The stage breakdown of <see cref="StageTimingHook"/> for <see cref="RcnnC4"/>: stage name and submodule. The RPN's
    /// and the ROI heads' losses (anchor labelling and sampling, proposal sampling, loss formulas) are computed inside their
    /// modules' forward, as in detectron2, so from outside they are part of <c>rpn</c> and <c>roi_heads</c>; the separate
    /// <c>rpn_loss</c> and <c>roi_loss</c> rows that timing inside the modules gave are no longer measured.
    /// </summary>
    public static IReadOnlyList<(string Stage, string Module)> TimedModules { get; } =
        [("backbone", "backbone"), ("rpn", "proposal_generator"), ("roi_heads", "roi_heads")];

    /// <summary>
    /// Sets up the stage <paramref name="stage"/> of <paramref name="model"/> on <paramref name="split"/>; with
    /// <c>eval_every</c> set, <paramref name="test"/> is evaluated during training (<see cref="PeriodicEvaluationHook"/>);
    /// a <paramref name="timing"/> hook (see <see cref="TimedModules"/>) measures where the steps' time goes.
    /// </summary>
    public DetectionTrainer(RcnnOptions options, IRunContext run, string stage, RcnnC4 model, DetectionSplit split, StageTimingHook? timing = null,
                            DetectionSplit? test = null)
        : base(SettingsFor(options, run, stage), run)
    {
        _records = split.NonEmpty();
        if (_records.Count == 0) throw new DatasetException("The detection training split has no image with objects.");
        (_options, _model) = (options, model);
        _group = RunServices.ProcessGroup(run);
        if (options.BatchSize % _group.WorldSize != 0)
            throw new StageSetupException(
                $"{stage}: batch_size {options.BatchSize} is the global batch and must divide evenly among the {_group.WorldSize} processes; " +
                $"use a multiple of {_group.WorldSize}.");
        model.to(run.Device);
        model.train();
        var normParameters = model.named_modules().Where(m => m.module is BatchNorm2d)
            .SelectMany(m => m.module.parameters()).Select(p => p.Handle).ToHashSet();
        // Frozen stages and norms (freeze_at, frozen_bn) are left out, as detectron2's optimiser leaves out parameters without gradients.
        var named = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        Optimizer = new SgdOptimizer(OptimizerFactory.Groups(named,
            new ParameterGrouping(options.WeightDecay, NoDecay: (_, p) => normParameters.Contains(p.Handle))), options.Momentum);
        Schedule = options.Schedule;
        // First, so every replica holds rank 0's weights before any other hook looks at the model.
        if (_group.WorldSize > 1) Register([new GradientAveragingHook(_group, model)]);
        // Before the evaluation hook, so the interim test passes fall outside the timed steps.
        if (timing is not null) Register([timing]);
        if (options.EvalEvery > 0 && test is not null)
        {
            var evaluation = new DetectionEvaluation(options, run, stage);
            // Only the final test pass writes the results file.
            Register([new PeriodicEvaluationHook(options.EvalEvery, model,
                () => WithPreciseBatchNorm(() => evaluation.Evaluate(model, test, interim: true).Metrics))]);
        }
    }

    private static TrainerSettings SettingsFor(RcnnOptions options, IRunContext run, string stage) =>
        new(stage, new TrainingLength(options.Iterations, 1, options.Iterations), run.Seed)
        {
            LogEvery = options.LogEvery,
            CheckpointPath = Path.Combine(run.RunDirectory, "checkpoints", stage + ".pt"),
            CheckpointEverySteps = options.CheckpointEvery,
            Producer = stage,
            DivergenceAdvice = "Lower lr or raise warmup_iters.",
        };

    /// <summary>Where this stage keeps its checkpoint inside the run folder.</summary>
    public string CheckpointPath => Settings.CheckpointPath!;

    /// <inheritdoc />
    protected override nn.Module Module => _model;

    /// <inheritdoc />
    protected override SgdOptimizer Optimizer { get; }

    /// <inheritdoc />
    protected override LearningRateSchedule Schedule { get; }

    /// <summary>Trains, continuing from the stage's checkpoint when one exists; returns the mean loss of the last logged window.</summary>
    public double Train()
    {
        var result = Train(File.Exists(CheckpointPath) ? CheckpointPath : null);
        return result.LastLoggedLoss;
    }

    /// <inheritdoc />
    protected override StepOutput ComputeStep(TrainingState state)
    {
        int iteration = checked((int)state.Step);
        var losses = Losses(iteration);
        var total = losses.Values.Aggregate((a, b) => a + b);
        return new StepOutput(total, _options.BatchSize) { Parts = losses };
    }

    /// <summary>The losses of iteration <paramref name="iteration"/>'s batch (this rank's share).</summary>
    private Dictionary<string, Tensor> Losses(int iteration)
    {
        var (images, targets) = LoadBatch(iteration, _model.Architecture.Masks, Run.Device);
        // The sampling of anchors and proposals: rank 0 draws as one process does, every other rank its own stream.
        var generator = new Generator((ulong)DeterministicSeed.Combine(Run.Seed, iteration, 11, _group.Rank));
        return _model.Losses(images, targets, generator);
    }

    /// <summary>
    /// <c>precise_bn_iters</c> (detectron2's PreciseBN): sets the BatchNorms' running statistics to averages over that
    /// many training batches, drawn as iterations <c>iterations</c>, <c>iterations</c> + 1, … would be (past the
    /// schedule, so none is a batch the last steps just saw); with several ranks the averages are averaged over the
    /// ranks, so every replica tests with the same statistics. Does nothing when the option is 0.
    /// </summary>
    public void UpdatePreciseBatchNorm(bool log = true)
    {
        if (_options.PreciseBnIters == 0) return;
        // Training mode as during the steps; RcnnC4 keeps frozen norms in inference mode, so they are left alone.
        _model.train();
        var updated = PreciseBatchNorm.Update(_model, _options.PreciseBnIters, b =>
        {
            Run.Cancellation.ThrowIfCancellationRequested();
            Losses(_options.Iterations + b);
        });
        if (log) Run.Log($"{Settings.Stage}: precise BatchNorm statistics: {updated.Count} norms averaged over {_options.PreciseBnIters} training batches (precise_bn_iters).");
        if (_group.WorldSize == 1) return;
        using var noGrad = no_grad();
        foreach (var norm in updated)
            foreach (var buffer in new[] { norm.running_mean!, norm.running_var! })
            {
                _group.AllReduce(buffer, ReduceOp.Sum);
                buffer.div_(_group.WorldSize);
            }
    }

    /// <summary>Runs <paramref name="evaluate"/> with precise BatchNorm statistics (<see cref="UpdatePreciseBatchNorm"/>), then puts the training's statistics back.</summary>
    private T WithPreciseBatchNorm<T>(Func<T> evaluate)
    {
        if (_options.PreciseBnIters == 0) return evaluate();
        var saved = _model.named_buffers().Select(b => (b.buffer, Copy: b.buffer.detach().clone())).ToList();
        try
        {
            UpdatePreciseBatchNorm(log: false);
            return evaluate();
        }
        finally
        {
            using var noGrad = no_grad();
            foreach (var (buffer, copy) in saved)
            {
                buffer.copy_(copy);
                copy.Dispose();
            }
        }
    }

    /// <inheritdoc />
    protected override void EndEpoch(EpochSummary summary) { }

    /// <summary>
    /// This rank's share of one iteration's batch: image g = iteration·B + j is entry g mod N of epoch g div N's seeded
    /// permutation, and rank r of W takes j = rB/W … (r + 1)B/W − 1 (all of them in one process).
    /// </summary>
    private (ImageList Images, IReadOnlyList<InstanceTargets> Targets) LoadBatch(int iteration, bool masks, Device device)
    {
        var images = new List<Tensor>();
        var targets = new List<InstanceTargets>();
        int[]? order = null;
        long orderEpoch = -1;
        int share = _options.BatchSize / _group.WorldSize;
        for (int j = _group.Rank * share; j < (_group.Rank + 1) * share; j++)
        {
            long global = (long)iteration * _options.BatchSize + j;
            long epoch = global / _records.Count;
            if (epoch != orderEpoch)
            {
                order = [.. Enumerable.Range(0, _records.Count)];
                new Random(DeterministicSeed.Combine(Run.Seed, (int)epoch, -21)).Shuffle(order);
                orderEpoch = epoch;
            }
            var record = _records[order![(int)(global % _records.Count)]];
            var random = new Random(DeterministicSeed.Combine(Run.Seed, iteration, j));
            int shortSide = _options.MinSizeTrain[random.Next(_options.MinSizeTrain.Count)];
            bool flip = _options.Flip && random.NextDouble() < 0.5;
            var (h, w) = DetectionTransform.ResizedSize(record.Height, record.Width, shortSide, _options.MaxSizeTrain);
            images.Add(DetectionTransform.LoadImage(record, h, w, flip, Run.InputNormalization));
            var t = DetectionTransform.Targets(record, h, w, flip, masks);
            targets.Add(t with { Boxes = t.Boxes.to(device), Classes = t.Classes.to(device) });
        }
        var batch = DetectionTransform.Batch(images);
        return (batch with { Tensor = batch.Tensor.to(device) }, targets);
    }

    /// <inheritdoc />
    public void Dispose() => Optimizer.Dispose();
}
