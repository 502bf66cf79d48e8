using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Diagnostics;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// The pretraining loop shared by every method: batches of augmented views in, SGD with warm-up and
/// cosine decay, per-step disposal of native tensors, a divergence check, metrics, hooks and full
/// checkpoints (model, optimiser, schedule position, plugin state) from which a run resumes exactly.
/// </summary>
public sealed class PretrainingEngine(PretrainOptions options, RunContext run, IReadOnlyList<ITrainingHook>? hooks = null, ITrainingReporter? reporter = null)
{
    /// <summary>The name of the newest checkpoint in a run's checkpoint folder.</summary>
    public const string LastCheckpoint = "last.pt";

    /// <summary>Summary of a finished pretraining.</summary>
    /// <param name="FinalLoss">Mean loss of the last epoch.</param>
    /// <param name="Seconds">Wall time of this invocation.</param>
    /// <param name="DataWaitFraction">Fraction of the wall time the loop waited for data.</param>
    /// <param name="CheckpointPath">The final checkpoint.</param>
    /// <param name="ImagesPerSecond">Training images per second over this invocation (hooks and checkpoints included).</param>
    public sealed record Result(double FinalLoss, double Seconds, double DataWaitFraction, string CheckpointPath, double ImagesPerSecond);

    /// <summary>
    /// Trains <paramref name="method"/> on <paramref name="data"/> with crops from <paramref name="sampler"/>;
    /// with <paramref name="resumeFrom"/>, first restores that checkpoint and continues after its epoch.
    /// </summary>
    public Result Train(IImageDataset data, ICropSampler sampler, ISiameseMethod method, IBackbone backbone, string? resumeFrom = null)
    {
        var neighbours = NeighbourTableFor(method, data.Count);
        var loader = new ViewBatchLoader(data, sampler, method.Views, options.ImageSize, options.BatchSize, run.Seed, run.InputNormalization, neighbours);
        // The neighbour update runs first, so the epoch's table is in place before other hooks (and a checkpoint) see the epoch end.
        IReadOnlyList<ITrainingHook> allHooks = neighbours is null
            ? hooks ?? []
            : [new NeighbourTableHook(neighbours, ((INeighbourCropMethod)method).NeighbourWarmupEpochs, new EvalFeaturePass(options.BatchSize, options.ImageSize)), .. hooks ?? []];
        if (loader.BatchesPerEpoch == 0)
            throw new ArgumentException($"pretrain.batch_size {options.BatchSize} is larger than the data set ({data.Count} images).");
        var length = TrainingLength.From(options, loader.BatchesPerEpoch);
        var schedule = new LearningRateSchedule(options.Lr, length.WarmupSteps(options.WarmupEpochs), length.TotalSteps);
        method.Module.to(run.Device);
        method.Module.train();
        using var optimizer = new SgdOptimizer(OptimizerFactory.Groups(method, options), options.Momentum);
        var stateful = StatefulPlugins(sampler, method);
        if (neighbours is not null) stateful["neighbours"] = neighbours;
        string checkpointPath = Path.Combine(run.Directory.CheckpointDirectory, LastCheckpoint);

        int startEpoch = 0;
        long step = 0;
        Dictionary<string, Tensor>? restored = null;
        if (resumeFrom is not null)
        {
            (var info, restored) = CheckpointFile.Load(resumeFrom);
            if (info.TotalSteps != length.TotalSteps)
                throw new CheckpointException(
                    $"Checkpoint '{resumeFrom}' belongs to a run of {info.TotalSteps} steps, but the recipe now gives {length.TotalSteps}; " +
                    "resume with the run's own recipe.yaml.");
            TrainingSnapshot.RestoreTraining(resumeFrom, restored, method.Module, optimizer);
            (startEpoch, step) = (info.CompletedEpochs, info.Step);
            run.Log($"Resumed from '{resumeFrom}' after epoch {startEpoch} (step {step} of {length.TotalSteps}).");
        }

        var clock = Stopwatch.StartNew();
        double waited = 0, epochLoss = double.NaN;
        long startStep = step;
        TrainingState State(int completed) => new(completed, length.TotalEpochs, step, method, backbone, data, sampler, run);
        try
        {
            foreach (var hook in allHooks) hook.OnTrainingStart(State(startEpoch));
            // Plugins size their state in OnTrainingStart (e.g. a sampler's boxes); the saved state replaces it afterwards.
            if (restored is not null) TrainingSnapshot.RestorePlugins(restored, stateful);
        }
        finally
        {
            if (restored is not null) foreach (var t in restored.Values) t.Dispose();
        }
        reporter?.Started(step, length.TotalSteps, length.TotalEpochs);
        try
        {
            for (int epoch = startEpoch; epoch < length.TotalEpochs; epoch++)
            {
                // The torch generator is a function of (seed, epoch), so a resumed run draws what an uninterrupted one would.
                manual_seed(DeterministicSeed.Combine(run.Seed, epoch, -2));
                var epochRun = RunEpoch(loader, method, optimizer, schedule, length, epoch, ref step);
                waited += epochRun.WaitSeconds;
                epochLoss = epochRun.MeanLoss;
                LogEpoch(epoch, step, length, schedule, epochRun);
                foreach (var hook in allHooks) hook.OnEpochEnd(State(epoch + 1));
                bool last = epoch == length.TotalEpochs - 1;
                if (last || (options.CheckpointEvery > 0 && (epoch + 1) % options.CheckpointEvery == 0))
                    TrainingSnapshot.Save(checkpointPath,
                        new CheckpointInfo(CheckpointInfo.CurrentFormat, epoch + 1, step, length.TotalSteps, run.Seed, method.GetType().Name, DateTime.UtcNow),
                        method, optimizer, stateful);
            }
        }
        finally
        {
            reporter?.Stopped();
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new Result(epochLoss, seconds, waited / seconds, checkpointPath, (step - startStep) * (double)options.BatchSize / seconds);
    }

    private sealed record EpochRun(double MeanLoss, double MeanSimilarity, int Batches, double Seconds, double WaitSeconds, double MeanSpread = double.NaN, int Dimension = 0);

    private EpochRun RunEpoch(ViewBatchLoader loader, ISiameseMethod method, SgdOptimizer optimizer, LearningRateSchedule schedule,
                              TrainingLength length, int epoch, ref long step)
    {
        double lossSum = 0, similaritySum = 0, spreadSum = 0;
        int batches = 0, similarities = 0, spreads = 0, dimension = 0;
        var clock = Stopwatch.StartNew();
        var enumerator = loader.Epoch(epoch, PrefetchBatches, run.Cancellation).GetAsyncEnumerator();
        try
        {
            while (step < length.TotalSteps && enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                var batch = enumerator.Current;
                double lr = schedule.At(step);
                foreach (var group in optimizer.Groups) group.LearningRate = group.FixedLearningRate ? options.Lr : lr;
                var progress = new TrainingProgress(epoch, length.TotalEpochs, step, length.TotalSteps);
                double loss;
                using (NewDisposeScope())
                {
                    var views = batch.Views.Select((v, i) => tensor(v, [batch.Indices.Length, 3, batch.Sizes[i], batch.Sizes[i]]).to(run.Device)).ToList();
                    var output = method.ComputeLoss(views, progress);
                    loss = output.Loss.item<float>();
                    if (!double.IsFinite(loss))
                        throw new TrainingDivergedException(
                            $"The loss became {loss} at epoch {epoch + 1}, step {step + 1} (lr {lr:G4}). Training stopped; " +
                            $"the last good checkpoint is kept in '{run.Directory.CheckpointDirectory}'. Lower pretrain.lr, add warm-up or set pretrain.clip_grad_norm.");
                    optimizer.ZeroGrad();
                    output.Loss.backward();
                    if (options.ClipGradNorm is { } maxNorm) GradientClipping.ClipByNorm(optimizer.Parameters, maxNorm);
                    optimizer.Step();
                    method.AfterOptimizerStep(progress);
                    if (output.PositiveSimilarity is { } similarity)
                    {
                        similaritySum += similarity.item<float>();
                        similarities++;
                    }
                    if (output.Embeddings is { } embeddings)
                    {
                        spreadSum += EmbeddingSpread.Std(embeddings);
                        (spreads, dimension) = (spreads + 1, (int)embeddings.shape[1]);
                    }
                }
                lossSum += loss;
                batches++;
                step++;
                if (step % options.LogEvery == 0)
                    run.LogMetrics("pretrain/step", step, new Dictionary<string, double> { ["loss"] = loss, ["lr"] = lr });
                reporter?.Step(new StepReport(step, length.TotalSteps, epoch + 1, length.TotalEpochs, loss, lr,
                                           batches * (double)options.BatchSize / clock.Elapsed.TotalSeconds));
                run.Cancellation.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return new EpochRun(lossSum / Math.Max(1, batches), similarities > 0 ? similaritySum / similarities : double.NaN,
                            batches, clock.Elapsed.TotalSeconds, loader.WaitSeconds, spreads > 0 ? spreadSum / spreads : double.NaN, dimension);
    }

    private int PrefetchBatches => options.PrefetchBatches ?? (run.Device.type == DeviceType.CPU ? 0 : 2);

    private void LogEpoch(int epoch, long step, TrainingLength length, LearningRateSchedule schedule, EpochRun e)
    {
        double imagesPerSecond = e.Batches * options.BatchSize / e.Seconds;
        var values = new Dictionary<string, double>
        {
            ["epoch"] = epoch + 1, ["loss"] = e.MeanLoss, ["lr"] = schedule.At(step - 1),
            ["images_per_second"] = imagesPerSecond, ["data_wait_fraction"] = e.WaitSeconds / e.Seconds,
            ["managed_mb"] = GC.GetTotalMemory(false) / 1e6, ["resident_mb"] = Environment.WorkingSet / 1e6,
        };
        if (double.IsFinite(e.MeanSimilarity)) values["positive_similarity"] = e.MeanSimilarity;
        if (e.Dimension > 0) (values[EmbeddingSpread.StdMetric], values[EmbeddingSpread.DimensionMetric]) = (e.MeanSpread, e.Dimension);
        run.LogMetrics("pretrain/epoch", step, values);
        var summary = $"epoch {epoch + 1}/{length.TotalEpochs}  loss {e.MeanLoss:F4}  lr {schedule.At(step - 1):G3}  {imagesPerSecond:F0} img/s";
        run.Log(summary);
        if (e.Dimension > 0 && EmbeddingSpread.LooksCollapsed(e.MeanSpread, e.Dimension)) run.Log(EmbeddingSpread.Warning(epoch + 1, e.MeanSpread, e.Dimension));
        reporter?.EpochEnded(summary);
    }

    /// <summary>The neighbour table of a method with KNN multi-crop (K > 0), else null.</summary>
    private static NeighbourTable? NeighbourTableFor(ISiameseMethod method, int imageCount)
    {
        if (method is not INeighbourCropMethod { NeighbourCount: > 0 } knn) return null;
        if (knn.NeighbourCount >= imageCount)
            throw new ArgumentException(
                $"pretrain.method asks for {knn.NeighbourCount} neighbours per image, but the data set has only {imageCount} images; lower the method's K.");
        if (knn.NeighbourWarmupEpochs < 1)
            throw new ArgumentException($"pretrain.method's neighbour warm-up must be at least 1 epoch (the first table needs a trained encoder); got {knn.NeighbourWarmupEpochs}.");
        return new NeighbourTable(imageCount, knn.NeighbourCount);
    }

    private static Dictionary<string, IStatefulPlugin> StatefulPlugins(ICropSampler sampler, ISiameseMethod method)
    {
        var plugins = new Dictionary<string, IStatefulPlugin>();
        if (sampler is IStatefulPlugin s) plugins["sampler"] = s;
        if (method is IStatefulPlugin m) plugins["method"] = m;
        return plugins;
    }
}
