using System.Globalization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Interop;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Plugins.Detection.Training;
using ContrastiveCrop.Sdk.Hooks;
using TorchSharp;

namespace ContrastiveCrop.Plugins.Detection;

/// <summary>
/// Fine-tunes an R-CNN C4 detector initialised from the run's backbone (or randomly), then
/// evaluates it; the shared body of <see cref="FasterRcnnC4"/> and <see cref="MaskRcnnC4"/>.
/// </summary>
public abstract class RcnnC4Task : IDownstreamTask
{
    private readonly RcnnOptions _options;
    private readonly bool _masks;
    private readonly string _stage;

    /// <summary>Checks the options; <paramref name="masks"/> selects Mask R-CNN.</summary>
    protected RcnnC4Task(RcnnOptions options, bool masks, string stage)
    {
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
            throw new DetectionSetupException($"Invalid {stage} options: " + string.Join(" ", errors.Select(e => $"{e.Key}: {e.Message}")));
        if (masks && options.Format == "voc")
            throw new DetectionSetupException($"{stage} needs instance masks: use format: coco or generated (VOC has no masks), or faster-rcnn-c4.");
        // The stage's folder and checkpoint name carry the init mode, so a recipe can compare pretrained and random init.
        (_options, _masks, _stage) = (options, masks, $"{stage}-{options.Init}");
    }

    /// <inheritdoc />
    public DownstreamResult Run(DownstreamContext context)
    {
        var run = context.Run;
        // A second stage of this task, or its run on the untrained baseline, keeps its own checkpoint and results folder.
        var stage = context.StageName(_stage);
        // A bad checkpoint file is reported before the data set is read.
        using var imported = _options.Init == "checkpoint" ? ImportCheckpoint(_options.Checkpoint) : null;
        var (train, test) = _options.ReadSplits(run.RunDirectory, _masks);
        if (train.Classes.Count != test.Classes.Count || !train.Classes.SequenceEqual(test.Classes))
            throw new DatasetException($"{stage}: the training and test splits have different classes ({string.Join(", ", train.Classes)} vs {string.Join(", ", test.Classes)}).");
        var architecture = _options.Architecture(train.Classes.Count, _masks);
        TorchSharp.torch.manual_seed(run.Seed);
        using var model = new RcnnC4(architecture);
        if (_options.Init == "backbone")
        {
            var source = context.Backbone.Network.state_dict();
            var description = context.CheckpointPath ?? "the run's backbone";
            var report = BackboneWeights.Load(model, source, description);
            run.Log($"{stage}: initialised from {description}: {report.Summary()}.");
            if (_options.RescaleBackbone)
            {
                var factors = ConvNormRescaling.Apply(model);
                run.Log(string.Create(CultureInfo.InvariantCulture,
                    $"{stage}: rescaled {factors.Count} convolutions to He-initialisation norms (rescale_backbone; factors {factors.Min(f => f.Factor):F2}–{factors.Max(f => f.Factor):F2})."));
            }
        }
        else if (imported is not null)
        {
            var report = BackboneWeights.Load(model, imported.Tensors, imported.Describe());
            run.Log($"{stage}: initialised from {imported.Describe()}: {report.Summary()}; " +
                    $"not loaded from the file: {imported.DroppedHeads.Count} head tensor(s), {imported.Ignored.Count} tensor(s) outside the backbone.");
            // The file's tensors are not needed during training (the using's later Dispose is a no-op).
            imported.Dispose();
        }
        else
        {
            run.Log($"{stage}: random initialisation (init: random); the run's backbone is not used.");
        }
        model.to(run.Device);
        if (_options.FreezeAt > 0 || _options.Norm == "frozen_bn")
        {
            int frozen = model.Freeze(_options.FreezeAt, _options.Norm == "frozen_bn");
            run.Log($"{stage}: {frozen} parameter tensors frozen (freeze_at {_options.FreezeAt}, norm {_options.Norm})" +
                    (context.Variant == DownstreamContext.RandomInitVariant ? "; on the untrained backbone they stay at their random values, as the recipe asks for both runs." : "."));
        }
        run.Log($"{stage}: ResNet-{_options.Depth} ×{_options.WidthMultiplier.ToString(CultureInfo.InvariantCulture)} C4, {train.Classes.Count} classes, " +
                $"{train.NonEmpty().Count} training images, {_options.Iterations} iterations of {_options.BatchSize} on {run.Device}.");
        double loss;
        IReadOnlyDictionary<string, double> trainTimes;
        // The hook's forward hooks come off the model after training, so the test pass below is not timed as training.
        using (var timing = new StageTimingHook(model, DetectionTrainer.TimedModules))
        using (var trainer = new DetectionTrainer(_options, run, stage, model, train, timing, test))
        {
            loss = trainer.Train();
            trainTimes = new Dictionary<string, double>(timing.Seconds);
            // Outside any step, so not timed as training.
            trainer.UpdatePreciseBatchNorm();
        }
        var (metrics, resultsPath, imagesPerSecond) = new DetectionEvaluation(_options, run, stage).Evaluate(model, test);
        run.Log($"{stage}: wrote {resultsPath}; " + string.Join(", ", metrics.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F2}"))));
        // The learning curve ends at the final model.
        if (_options.EvalEvery > 0) run.LogMetrics(PeriodicEvaluationHook.MetricsStage(stage), _options.Iterations, metrics);
        // The results table labels repeated stages by their init too; this row keeps it machine-readable. The
        // random_init_baseline's run (DownstreamContext.RandomInitVariant) loads the untrained backbone with init: backbone,
        // which is not a pretrained start.
        metrics["pretrained_init"] = _options.Init switch
        {
            "random" => 0,
            "backbone" when context.Variant == DownstreamContext.RandomInitVariant => 0,
            _ => 1,
        };
        metrics["final_loss"] = loss;
        metrics["test_images_per_second"] = imagesPerSecond;
        // A stage resumed from its finished checkpoint trains no step and reports no times.
        if (trainTimes[StageTimingHook.Iteration] > 0)
            foreach (var (k, v) in trainTimes) metrics[$"train_seconds_{k}"] = v;
        return new DownstreamResult(metrics);
    }

    /// <summary>The ResNet in a PyTorch or safetensors file, renamed to torchvision's names.</summary>
    private static ImportedBackbone ImportCheckpoint(string path)
    {
        try
        {
            return PretrainedBackbone.Read(Path.GetFullPath(path));
        }
        catch (InteropException e)
        {
            throw new DetectionSetupException($"checkpoint: {e.Message}", e);
        }
    }
}
