using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.Localization;
using ContrastiveCrop.Plugins.Samplers.Diagnostics;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>
/// ContrastiveCrop's box updates on the pretraining loop: sizes the sampler's boxes before training and,
/// after the epochs its schedule names, runs the current backbone in eval mode without gradients over the
/// un-augmented training images, batch by batch, and hands the sampler the last feature maps. Each update
/// is timed and logged with the box statistics (and the IoU with the true boxes when the data set has
/// them), and leaves diagnostics under <c>diagnostics/</c> in the run folder.
/// </summary>
/// <remarks>
/// In a data-parallel job the pass is split among the ranks in whole batches (<see cref="ShardedBatches"/>) after every
/// rank has taken rank 0's backbone (BatchNorm's running statistics, which eval mode uses, drift apart between the
/// ranks otherwise), and the boxes are all-gathered: every rank holds exactly the boxes one process computes with rank
/// 0's backbone, and the diagnostics are rank 0's alone.
/// </remarks>
/// <param name="sampler">The sampler whose boxes this hook updates.</param>
/// <param name="backbone">The backbone being trained.</param>
/// <param name="data">The un-augmented training images.</param>
/// <param name="pass">
/// The eval-mode pass: the training batch is a good batch size on the CPU (`ccrop-bench boxes` measured
/// batches of 64–256 alike and 512 over 2.5× slower), images go in at native size when square and of one
/// size, else at the training size (224 in the official ImageNet code).
/// </param>
public sealed class BoxUpdateHook(ContrastiveCropSampler sampler, IBackbone backbone, IImageDataset data, EvalFeaturePass pass) : HookBase
{
    /// <summary>The metrics stage of box updates in <c>metrics.jsonl</c>.</summary>
    public const string MetricsStage = "contrastive-crop/update";

    /// <inheritdoc />
    public override void BeforeTrain(TrainingState state) => sampler.Initialize(data.Count);

    /// <inheritdoc />
    public override string? ResultsLabel => "contrastive-crop";

    /// <summary>
    /// The final boxes' statistics (from the checkpointed boxes, so a resumed run has them too): mean area and,
    /// with true boxes, the mean IoU beside the whole image's, the number that says whether the boxes localise.
    /// </summary>
    public override IReadOnlyDictionary<string, double> Results() => Statistics(sampler.Boxes, data.ObjectBoxes);

    /// <inheritdoc />
    public override void AfterEpoch(TrainingState state)
    {
        if (!sampler.ShouldUpdateAfterEpoch(state.Epoch, state.TotalEpochs)) return;
        var clock = Stopwatch.StartNew();
        UpdateBoxes(state.Run);
        double updateSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var values = Statistics(sampler.Boxes, data.ObjectBoxes);
        values["epoch"] = state.Epoch;
        values["update_seconds"] = updateSeconds;
        // Rank 0 writes the run's files; the others' would be the same images.
        if (RunServices.ProcessGroup(state.Run).Rank == 0) WriteDiagnostics(state);
        values["diagnostics_seconds"] = clock.Elapsed.TotalSeconds;
        state.Run.LogMetrics(MetricsStage, state.Step, values);
        state.Run.Log($"Box update after epoch {state.Epoch}: {data.Count} images in {updateSeconds:F1} s; " +
                      $"mean box area {values["mean_box_area"]:F3}" +
                      (values.TryGetValue("mean_iou", out var iou) ? $", mean IoU with true boxes {iou:F3} (whole image {values["whole_image_iou"]:F3})" : "") + ".");
    }

    /// <summary>
    /// One update pass: the backbone in eval mode without gradients over every un-augmented training
    /// image, its last feature maps handed to the sampler batch by batch.
    /// </summary>
    public void UpdateBoxes(IRunContext run)
    {
        var group = RunServices.ProcessGroup(run);
        // The host's progress bar with ETA (below the pretraining bar, which is paused meanwhile); this rank's share.
        var progress = RunServices.Progress(run);
        try
        {
            long done = 0;
            void Update(int[] indices, Tensor maps, int size)
            {
                sampler.UpdateFromFeatureMaps(indices, maps, size, size);
                done += indices.Length;
                progress?.Advanced(done, $"box update {done}/{data.Count} images");
            }
            if (group.WorldSize == 1)
            {
                progress?.Started($"box update: {data.Count} images", 0, data.Count);
                pass.ForAllImages(data, backbone, run, Update);
                return;
            }
            GradientAveragingHook.BroadcastFromRankZero(group, backbone.Network);
            var shard = pass.Shard(group, data);
            progress?.Started($"box update: {shard.Indices.Length} of {data.Count} images on this rank", 0, shard.Indices.Length);
            pass.ForBatches(data, backbone, run, shard, Update);
            // This rank's boxes are current for its own images only; the gather gives every rank all of them, in image order.
            using var scope = NewDisposeScope();
            var own = shard.Indices.SelectMany(i => { var b = sampler.Boxes[i]; return new[] { b.H0, b.W0, b.H1, b.W1 }; }).ToArray();
            var all = shard.Gather(group, tensor(own, [own.Length / 4, 4]));
            sampler.SetState(new Dictionary<string, Tensor> { ["boxes"] = all, ["localized"] = tensor(1L) });
        }
        finally
        {
            progress?.Stopped();
        }
    }

    /// <summary>
    /// Box statistics: mean area and its 10/50/90th percentiles; with true boxes, the mean IoU of the
    /// learned boxes and, for reference, of the whole-image box.
    /// </summary>
    public static Dictionary<string, double> Statistics(IReadOnlyList<NormalizedBox> boxes, IReadOnlyList<NormalizedBox>? truth)
    {
        var areas = boxes.Select(b => (double)b.Area).Order().ToArray();
        double Percentile(double p) => areas.Length == 0 ? double.NaN : areas[(int)Math.Round(p * (areas.Length - 1))];
        var values = new Dictionary<string, double>
        {
            ["mean_box_area"] = areas.Length == 0 ? double.NaN : areas.Average(),
            ["box_area_p10"] = Percentile(0.1), ["box_area_p50"] = Percentile(0.5), ["box_area_p90"] = Percentile(0.9),
        };
        if (truth is not null && truth.Count == boxes.Count && boxes.Count > 0)
        {
            values["mean_iou"] = boxes.Zip(truth, BoxOverlap.IoU).Average();
            values["whole_image_iou"] = truth.Average(t => BoxOverlap.IoU(NormalizedBox.Whole, t));
        }
        return values;
    }

    private void WriteDiagnostics(TrainingState state)
    {
        var folder = Path.Combine(state.Run.RunDirectory, "diagnostics");
        Directory.CreateDirectory(folder);
        string suffix = $"epoch-{state.Epoch:D3}";
        var samples = SampleIndices(data.Count, HeatmapSheet.Samples);
        float[] heat = [];
        int size = 0;
        EvalFeaturePass.WithEvalBackbone(backbone, () =>
        {
            using var scope = NewDisposeScope();
            var (maps, side) = pass.FeatureMaps(data, backbone, state.Run, samples);
            using var heatmaps = HeatmapBox.Heatmaps(maps, side, side);
            heat = heatmaps.data<float>().ToArray();
            size = side;
        });
        var images = samples.Select(i => data.Get(i).Image).ToList();
        var truth = data.ObjectBoxes;
        HeatmapSheet.Write(Path.Combine(folder, $"heatmaps-{suffix}.png"), state.Epoch, images,
            samples.Select(i => sampler.Boxes[i]).ToList(), truth is null ? null : samples.Select(i => truth[i]).ToList(), heat, size);
        var pairs = samples.Take(CropPairSheet.Samples).ToArray();
        CropPairSheet.Write(Path.Combine(folder, $"crops-{suffix}.png"), state.Epoch, pairs.Select(i => data.Get(i).Image).ToList(),
            pairs, pairs.Select(i => sampler.Boxes[i]).ToList(), sampler, sampler.RandomResizedCrop, state.Run.Seed);
        BoxAreaHistogram.Write(Path.Combine(folder, $"box-areas-{suffix}.png"), state.Epoch, sampler.Boxes);
        BoxTable.Write(Path.Combine(folder, $"boxes-{suffix}.csv"), sampler.Boxes, truth);
    }

    /// <summary><paramref name="count"/> indices spread evenly over the data set.</summary>
    private static int[] SampleIndices(int total, int count) =>
        Enumerable.Range(0, Math.Min(count, total)).Select(i => (int)((long)i * total / Math.Min(count, total))).ToArray();
}
