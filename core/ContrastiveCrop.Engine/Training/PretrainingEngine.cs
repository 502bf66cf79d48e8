using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// The pretraining loop shared by every method: batches of augmented views in, SGD with warm-up and
/// cosine decay, per-step disposal of native tensors, a divergence check, metrics and checkpoints.
/// </summary>
public sealed class PretrainingEngine(PretrainOptions options, RunContext run, IReadOnlyList<ITrainingHook>? hooks = null)
{
    /// <summary>Summary of a finished pretraining.</summary>
    /// <param name="FinalLoss">Mean loss of the last epoch.</param>
    /// <param name="Seconds">Wall time.</param>
    /// <param name="DataWaitFraction">Fraction of the wall time the loop waited for data.</param>
    /// <param name="CheckpointPath">The final checkpoint.</param>
    public sealed record Result(double FinalLoss, double Seconds, double DataWaitFraction, string CheckpointPath);

    /// <summary>Trains <paramref name="method"/> on <paramref name="data"/> with crops from <paramref name="sampler"/>.</summary>
    public Result Train(IImageDataset data, ICropSampler sampler, ISiameseMethod method, IBackbone backbone, Action<string>? progress = null)
    {
        var allHooks = hooks ?? [];
        var loader = new ViewBatchLoader(data, sampler, method.Views, options.ImageSize, options.BatchSize, run.Seed, Normalization.ImageNet);
        if (loader.BatchesPerEpoch == 0)
            throw new ArgumentException($"pretrain.batch_size {options.BatchSize} is larger than the data set ({data.Count} images).");
        long totalSteps = (long)loader.BatchesPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(options.Lr, (long)(options.WarmupEpochs * loader.BatchesPerEpoch), totalSteps);
        method.Module.to(run.Device);
        method.Module.train();
        using var optimizer = optim.SGD(method.TrainableParameters, options.Lr, options.Momentum, weight_decay: options.WeightDecay);

        var clock = Stopwatch.StartNew();
        double waited = 0, epochLoss = double.NaN;
        string checkpoint = "";
        long step = 0;
        TrainingState State(int completed) => new(completed, options.Epochs, step, method, backbone, data, sampler, run);
        foreach (var hook in allHooks) hook.OnTrainingStart(State(0));
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            double lossSum = 0, similaritySum = 0;
            int batches = 0, similarities = 0;
            var epochClock = Stopwatch.StartNew();
            var enumerator = loader.Epoch(epoch, cancellation: run.Cancellation).GetAsyncEnumerator();
            try
            {
                while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                {
                    var batch = enumerator.Current;
                    double lr = schedule.At(step);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                    var progressNow = new TrainingProgress(epoch, options.Epochs, step, totalSteps);
                    using (var scope = NewDisposeScope())
                    {
                        var views = batch.Views.Select(v => tensor(v, [batch.Indices.Length, 3, batch.Size, batch.Size]).to(run.Device)).ToList();
                        var output = method.ComputeLoss(views, progressNow);
                        double loss = output.Loss.item<float>();
                        if (!double.IsFinite(loss))
                            throw new TrainingDivergedException(
                                $"The loss became {loss} at epoch {epoch + 1}, step {step + 1} (lr {lr:G4}). Training stopped; " +
                                $"the last good checkpoint is kept in '{run.Directory.CheckpointDirectory}'. Lower pretrain.lr or add warm-up.");
                        optimizer.zero_grad();
                        output.Loss.backward();
                        optimizer.step();
                        method.AfterOptimizerStep(progressNow);
                        lossSum += loss;
                        batches++;
                        if (output.PositiveSimilarity is { } similarity)
                        {
                            similaritySum += similarity.item<float>();
                            similarities++;
                        }
                        if ((step + 1) % options.LogEvery == 0)
                            run.LogMetrics("pretrain/step", step + 1, new Dictionary<string, double> { ["loss"] = loss, ["lr"] = lr });
                    }
                    step++;
                    run.Cancellation.ThrowIfCancellationRequested();
                }
            }
            finally
            {
                enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            waited += loader.WaitSeconds;
            epochLoss = lossSum / Math.Max(1, batches);
            double imagesPerSecond = batches * options.BatchSize / epochClock.Elapsed.TotalSeconds;
            var values = new Dictionary<string, double>
            {
                ["epoch"] = epoch + 1, ["loss"] = epochLoss, ["lr"] = schedule.At(step - 1),
                ["images_per_second"] = imagesPerSecond, ["data_wait_fraction"] = loader.WaitSeconds / epochClock.Elapsed.TotalSeconds,
            };
            if (similarities > 0) values["positive_similarity"] = similaritySum / similarities;
            run.LogMetrics("pretrain/epoch", step, values);
            progress?.Invoke($"epoch {epoch + 1}/{options.Epochs}  loss {epochLoss:F4}  lr {schedule.At(step - 1):G3}  {imagesPerSecond:F0} img/s");

            foreach (var hook in allHooks) hook.OnEpochEnd(State(epoch + 1));
            bool last = epoch == options.Epochs - 1;
            if (last || (options.CheckpointEvery > 0 && (epoch + 1) % options.CheckpointEvery == 0))
                checkpoint = CheckpointWriter.Save(run.Directory, method.Module, epoch + 1);
        }
        return new Result(epochLoss, clock.Elapsed.TotalSeconds, waited / clock.Elapsed.TotalSeconds, checkpoint);
    }
}
