using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pretraining.BoxDiagnostics;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Imaging.Localization;
using static TorchSharp.torch;

namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>
/// Drives a localising crop sampler (ContrastiveCrop): sizes its boxes at the start of training and,
/// after the epochs it asks for, runs the current backbone in eval mode without gradients over the
/// un-augmented training images, batch by batch, and hands it the last feature maps. Each update
/// is timed and logged with the box statistics (and the IoU with the true boxes when the data set
/// has them), and leaves diagnostics under <c>diagnostics/</c> in the run folder.
/// </summary>
/// <param name="batchSize">
/// Images per inference batch. The training batch is a good choice on the CPU: `ccrop-bench boxes`
/// measured batches of 64–256 alike and 512 over 2.5× slower (cache misses), see BENCHMARKS.md.
/// </param>
/// <param name="fallbackSize">
/// Input side used when a batch's images are not all square and of one size (ImageNet-style data:
/// resized to the training size, 224 in the official code); otherwise images go in at native size.
/// </param>
/// <param name="reference">A RandomResizedCrop with the same scale and ratio, for the crop-pair sheet; null to leave it out.</param>
public sealed class BoxUpdateHook(int batchSize, int fallbackSize, ICropSampler? reference = null) : ITrainingHook
{
    private readonly EvalFeaturePass pass = new(batchSize, fallbackSize);

    /// <summary>The metrics stage of box updates in <c>metrics.jsonl</c>.</summary>
    public const string MetricsStage = "contrastive-crop/update";

    /// <inheritdoc />
    public void OnTrainingStart(TrainingState state)
    {
        if (state.Sampler is ILocalizingCropSampler sampler) sampler.Initialize(state.Data.Count);
    }

    /// <inheritdoc />
    public void OnEpochEnd(TrainingState state)
    {
        if (state.Sampler is not ILocalizingCropSampler sampler || !sampler.ShouldUpdateAfterEpoch(state.CompletedEpochs, state.TotalEpochs))
            return;
        var clock = Stopwatch.StartNew();
        UpdateBoxes(state.Data, state.Backbone, sampler, state.Run);
        double updateSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var values = Statistics(sampler.Boxes, state.Data.ObjectBoxes);
        values["epoch"] = state.CompletedEpochs;
        values["update_seconds"] = updateSeconds;
        WriteDiagnostics(state, sampler);
        values["diagnostics_seconds"] = clock.Elapsed.TotalSeconds;
        state.Run.LogMetrics(MetricsStage, state.Step, values);
        state.Run.Log($"Box update after epoch {state.CompletedEpochs}: {state.Data.Count} images in {updateSeconds:F1} s; " +
                      $"mean box area {values["mean_box_area"]:F3}" +
                      (values.TryGetValue("mean_iou", out var iou) ? $", mean IoU with true boxes {iou:F3}" : "") + ".");
    }

    /// <summary>
    /// One update pass: the backbone in eval mode without gradients over every un-augmented image of
    /// <paramref name="data"/>, its last feature maps handed to <paramref name="sampler"/> batch by batch.
    /// </summary>
    public void UpdateBoxes(IImageDataset data, IBackbone backbone, ILocalizingCropSampler sampler, IRunContext run) =>
        pass.ForAllImages(data, backbone, run, (indices, maps, size) => sampler.UpdateFromFeatureMaps(indices, maps, size, size));

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

    private void WriteDiagnostics(TrainingState state, ILocalizingCropSampler sampler)
    {
        var folder = Path.Combine(state.Run.RunDirectory, "diagnostics");
        Directory.CreateDirectory(folder);
        string suffix = $"epoch-{state.CompletedEpochs:D3}";
        var samples = SampleIndices(state.Data.Count, HeatmapSheet.Samples);
        float[] heat = [];
        int size = 0;
        EvalFeaturePass.WithEvalBackbone(state.Backbone, () =>
        {
            using var scope = NewDisposeScope();
            var (maps, side) = pass.FeatureMaps(state.Data, state.Backbone, state.Run, samples);
            using var heatmaps = HeatmapBox.Heatmaps(maps, side, side);
            heat = heatmaps.data<float>().ToArray();
            size = side;
        });
        var images = samples.Select(i => state.Data.Get(i).Image).ToList();
        var truth = state.Data.ObjectBoxes;
        HeatmapSheet.Write(Path.Combine(folder, $"heatmaps-{suffix}.png"), state.CompletedEpochs, images,
            samples.Select(i => sampler.Boxes[i]).ToList(), truth is null ? null : samples.Select(i => truth[i]).ToList(), heat, size);
        var pairs = samples.Take(CropPairSheet.Samples).ToArray();
        CropPairSheet.Write(Path.Combine(folder, $"crops-{suffix}.png"), state.CompletedEpochs, pairs.Select(i => state.Data.Get(i).Image).ToList(),
            pairs, pairs.Select(i => sampler.Boxes[i]).ToList(), sampler, reference, state.Run.Seed);
        BoxAreaHistogram.Write(Path.Combine(folder, $"box-areas-{suffix}.png"), state.CompletedEpochs, sampler.Boxes);
        BoxTable.Write(Path.Combine(folder, $"boxes-{suffix}.csv"), sampler.Boxes, truth);
    }

    /// <summary><paramref name="count"/> indices spread evenly over the data set.</summary>
    private static int[] SampleIndices(int total, int count) =>
        Enumerable.Range(0, Math.Min(count, total)).Select(i => (int)((long)i * total / Math.Min(count, total))).ToArray();
}
