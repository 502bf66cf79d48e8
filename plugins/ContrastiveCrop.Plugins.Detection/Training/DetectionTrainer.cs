using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Training;

/// <summary>
/// Iteration-based fine-tuning as detectron2's SimpleTrainer with the MoCo recipe: SGD with
/// momentum, weight decay on all but batch-norm parameters, linear warm-up then steps; images
/// drawn in a seeded per-epoch order, each with a random shorter side and flip. Writes the task's
/// checkpoint (<see cref="DetectionCheckpoint"/>) and resumes from it when the run is resumed.
/// </summary>
internal sealed class DetectionTrainer(RcnnOptions options, IRunContext run, string stage)
{
    /// <summary>Where this stage keeps its checkpoint inside the run folder.</summary>
    public string CheckpointPath => Path.Combine(run.RunDirectory, "checkpoints", stage + ".pt");

    /// <summary>Trains <paramref name="model"/> on <paramref name="split"/>; returns the mean total loss of the last logged window.</summary>
    public double Train(RcnnC4 model, DetectionSplit split, StageTimes? timer = null)
    {
        var records = split.NonEmpty();
        if (records.Count == 0) throw new DatasetException("The detection training split has no image with objects.");
        var device = run.Device;
        model.to(device);
        model.train();
        var parameters = model.named_parameters().ToList();
        var normParameters = model.named_modules().Where(m => m.module is BatchNorm2d)
            .SelectMany(m => m.module.parameters()).Select(p => p.Handle).ToHashSet();
        var decayed = parameters.Where(p => !normParameters.Contains(p.parameter.Handle)).Select(p => p.parameter).ToList();
        var optimizer = optim.SGD(parameters.Select(p => p.parameter), options.Lr, options.Momentum);
        int start = Resume(model, optimizer);
        var watch = Stopwatch.StartNew();
        var window = new Dictionary<string, double>();
        int windowCount = 0;
        double lastTotal = double.NaN;
        for (int iteration = start; iteration < options.Iterations; iteration++)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double lr = options.LearningRateAt(iteration);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            var (images, targets) = StageTimes.Measure(timer, "data", () => LoadBatch(records, iteration, model.Architecture.Masks, device));
            var generator = new Generator((ulong)DeterministicSeed.Combine(run.Seed, iteration, 11));
            var losses = model.Losses(images, targets, generator);
            var total = losses.Values.Aggregate((a, b) => a + b);
            double totalValue = total.item<float>();
            if (!double.IsFinite(totalValue))
                throw new InvalidOperationException($"Detection training diverged at iteration {iteration + 1} (loss {totalValue}); " +
                                                    $"the last good checkpoint is '{CheckpointPath}'. Lower lr or raise warmup_iters.");
            optimizer.zero_grad();
            StageTimes.Measure(timer, "backward", () => { total.backward(); return 0; });
            StageTimes.Measure(timer, "step", () =>
            {
                using (no_grad())
                {
                    // SGD's weight decay (grad += λ·w), skipped for batch-norm parameters.
                    foreach (var p in decayed)
                        p.grad?.add_(p, alpha: options.WeightDecay);
                }
                return optimizer.step();
            });
            foreach (var (k, v) in losses) window[k] = window.GetValueOrDefault(k) + v.item<float>();
            window["total_loss"] = window.GetValueOrDefault("total_loss") + totalValue;
            windowCount++;
            int done = iteration + 1;
            if (done % options.LogEvery == 0 || done == options.Iterations)
            {
                var metrics = window.ToDictionary(kv => kv.Key, kv => kv.Value / windowCount);
                lastTotal = metrics["total_loss"];
                metrics["lr"] = lr;
                double rate = (done - start) / watch.Elapsed.TotalSeconds;
                metrics["iterations_per_second"] = rate;
                run.LogMetrics(stage + "/train", done, metrics);
                var eta = TimeSpan.FromSeconds((options.Iterations - done) / Math.Max(rate, 1e-9));
                run.Log(string.Create(CultureInfo.InvariantCulture,
                    $"{stage} iter {done}/{options.Iterations}  loss {lastTotal:F4} ({string.Join(", ", losses.Keys.Select(k => $"{k} {metrics[k]:F3}"))})  lr {lr:G3}  {rate:F2} it/s  eta {eta:hh\\:mm\\:ss}"));
                window.Clear();
                windowCount = 0;
            }
            if (done % options.CheckpointEvery == 0 || done == options.Iterations)
                Save(model, optimizer, done);
        }
        return lastTotal;
    }

    /// <summary>The batch of one iteration: image g = iteration·B + j is entry g mod N of epoch g div N's seeded permutation.</summary>
    private (ImageList Images, IReadOnlyList<InstanceTargets> Targets) LoadBatch(
        IReadOnlyList<DetectionRecord> records, int iteration, bool masks, Device device)
    {
        var images = new List<Tensor>();
        var targets = new List<InstanceTargets>();
        int[]? order = null;
        long orderEpoch = -1;
        for (int j = 0; j < options.BatchSize; j++)
        {
            long global = (long)iteration * options.BatchSize + j;
            long epoch = global / records.Count;
            if (epoch != orderEpoch)
            {
                order = [.. Enumerable.Range(0, records.Count)];
                new Random(DeterministicSeed.Combine(run.Seed, (int)epoch, -21)).Shuffle(order);
                orderEpoch = epoch;
            }
            var record = records[order![(int)(global % records.Count)]];
            var random = new Random(DeterministicSeed.Combine(run.Seed, iteration, j));
            int shortSide = options.MinSizeTrain[random.Next(options.MinSizeTrain.Count)];
            bool flip = options.Flip && random.NextDouble() < 0.5;
            var (h, w) = DetectionTransform.ResizedSize(record.Height, record.Width, shortSide, options.MaxSizeTrain);
            images.Add(DetectionTransform.LoadImage(record, h, w, flip, run.InputNormalization));
            var t = DetectionTransform.Targets(record, h, w, flip, masks);
            targets.Add(t with { Boxes = t.Boxes.to(device), Classes = t.Classes.to(device) });
        }
        var batch = DetectionTransform.Batch(images);
        return (batch with { Tensor = batch.Tensor.to(device) }, targets);
    }

    private void Save(RcnnC4 model, OptimizerHelper optimizer, int iteration) => DetectionCheckpoint.Save(CheckpointPath, iteration, model, optimizer);

    private int Resume(RcnnC4 model, OptimizerHelper optimizer)
    {
        if (DetectionCheckpoint.Load(CheckpointPath, model, optimizer) is not { } iteration) return 0;
        run.Log($"{stage}: resuming from '{CheckpointPath}' at iteration {iteration}.");
        return iteration;
    }
}
