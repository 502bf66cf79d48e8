using System.Text.Json;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using ContrastiveCrop.Tests.Sdk;
using NUnit.Framework;
using SkiaSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Samplers;

[TestFixture]
public sealed class BoxUpdateHookTests
{
    private const int Images = 24;

    private sealed record Setup(RunContext Run, IImageDataset Data, ResNet Backbone, SimClr Method, ContrastiveCropSampler Sampler) : IDisposable
    {
        public TrainingState After(int epochs, int total) => new("pretrain", epochs, total, epochs * 10L, total * 10L, Run);

        public BoxUpdateHook Hook(int batchSize) => new(Sampler, Backbone, Data, new EvalFeaturePass(batchSize, 16));

        public void Dispose()
        {
            Run.Dispose();
            Data.Dispose();
            Method.Dispose();
        }
    }

    private static Setup Create(IProgressReporter? progress = null)
    {
        manual_seed(3);
        var directory = RunDirectory.Create(TestFolders.NewTemp("box-update"), "t", DateTime.UtcNow);
        var run = new RunContext(directory, CPU, 0, _ => { }, CancellationToken.None, progress: progress);
        var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = Images, TestCount = 1, ImageSize = 16 }).Open("train");
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: 0.125, SmallDataStem: true));
        var method = new SimClr(new SimClrOptions(), backbone);
        method.Module.train();
        return new Setup(run, data, backbone, method, new ContrastiveCropSampler(new ContrastiveCropOptions { Threshold = 0.5 }));
    }

    [Test]
    public void An_update_matches_one_eval_mode_pass_over_all_images_and_restores_train_mode()
    {
        using var s = Create();
        var hook = s.Hook(batchSize: 5);
        hook.BeforeTrain(s.After(0, 10));
        Assert.That(s.Sampler.Boxes, Has.Count.EqualTo(Images).And.All.EqualTo(NormalizedBox.Whole));

        hook.AfterEpoch(s.After(2, 10));

        Assert.That(s.Backbone.training, Is.True);
        // In train mode batch norm would use batch statistics, so batches of 5 would not match one batch of 24.
        var expected = new ContrastiveCropSampler(new ContrastiveCropOptions { Threshold = 0.5 });
        expected.Initialize(Images);
        s.Backbone.eval();
        using (no_grad())
        using (var input = ImageBatch.FromWholeImages(Enumerable.Range(0, Images).Select(i => s.Data.Get(i).Image).ToList(), 16, Normalization.ImageNet))
        using (var maps = s.Backbone.FeatureMap(input))
            expected.UpdateFromFeatureMaps(Enumerable.Range(0, Images).ToArray(), maps, 16, 16);
        s.Backbone.train();
        Assert.That(s.Sampler.Localized, Is.True);
        for (int i = 0; i < Images; i++)
        {
            var (a, b) = (s.Sampler.Boxes[i], expected.Boxes[i]);
            Assert.That(new[] { a.H0, a.W0, a.H1, a.W1 }, Is.EqualTo(new[] { b.H0, b.W0, b.H1, b.W1 }).Within(1.01f / 16), $"image {i}");
        }
    }

    [Test]
    public void An_update_logs_its_time_box_statistics_and_IoU_and_writes_viewable_diagnostics()
    {
        using var s = Create();
        var hook = s.Hook(batchSize: 8);
        hook.BeforeTrain(s.After(0, 10));
        hook.AfterEpoch(s.After(1, 10)); // not due: 10% of training
        hook.AfterEpoch(s.After(4, 10));

        var records = File.ReadAllLines(s.Run.Directory.MetricsFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var update = records.Single(r => r.GetProperty("stage").GetString() == BoxUpdateHook.MetricsStage).GetProperty("values");
        Assert.That(update.GetProperty("epoch").GetDouble(), Is.EqualTo(4));
        Assert.That(update.GetProperty("update_seconds").GetDouble(), Is.GreaterThan(0));
        double meanIou = s.Sampler.Boxes.Zip(s.Data.ObjectBoxes!, global::ContrastiveCrop.Imaging.Localization.BoxOverlap.IoU).Average();
        Assert.That(update.GetProperty("mean_iou").GetDouble(), Is.EqualTo(meanIou).Within(1e-9));
        Assert.That(update.GetProperty("mean_box_area").GetDouble(), Is.EqualTo(s.Sampler.Boxes.Average(b => b.Area)).Within(1e-6));
        // The results-table rows after training: the final boxes' statistics, the IoU beside the whole image's
        // (for a true box inside the image, IoU with the whole image is the true box's area).
        Assert.That(hook.ResultsLabel, Is.EqualTo("contrastive-crop"));
        var results = hook.Results();
        Assert.That(results["mean_iou"], Is.EqualTo(meanIou).Within(1e-9));
        Assert.That(results["whole_image_iou"], Is.EqualTo(s.Data.ObjectBoxes!.Average(b => (double)b.Area)).Within(1e-6));

        var folder = Path.Combine(s.Run.RunDirectory, "diagnostics");
        foreach (var name in new[] { "heatmaps-epoch-004.png", "crops-epoch-004.png", "box-areas-epoch-004.png" })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(folder, name));
            Assert.That(bitmap, Is.Not.Null, name);
            Assert.That(bitmap.Width, Is.GreaterThan(200), name);
        }
        var table = File.ReadAllLines(Path.Combine(folder, "boxes-epoch-004.csv"));
        Assert.That(table, Has.Length.EqualTo(Images + 1));
        Assert.That(table[0], Is.EqualTo("index,h0,w0,h1,w1,true_h0,true_w0,true_h1,true_w1,iou"));
    }

    [Test]
    public void Box_statistics_of_hand_made_boxes()
    {
        // Areas 0.25 and 1; IoU with the true (0,0,0.5,0.5): 1 and 0.25; whole image: 0.25 and 0.25.
        var boxes = new[] { new NormalizedBox(0, 0, 0.5f, 0.5f), NormalizedBox.Whole };
        var truth = new[] { new NormalizedBox(0, 0, 0.5f, 0.5f), new NormalizedBox(0, 0, 0.5f, 0.5f) };
        var values = BoxUpdateHook.Statistics(boxes, truth);
        Assert.That(values["mean_box_area"], Is.EqualTo(0.625).Within(1e-9));
        Assert.That(values["mean_iou"], Is.EqualTo(0.625).Within(1e-9));
        Assert.That(values["whole_image_iou"], Is.EqualTo(0.25).Within(1e-9));
        Assert.That(BoxUpdateHook.Statistics(boxes, null).ContainsKey("mean_iou"), Is.False);
    }

    [Test]
    public void An_update_reports_its_images_to_the_hosts_progress_display_batch_by_batch()
    {
        var progress = new RecordingProgress();
        using var s = Create(progress);
        var hook = s.Hook(batchSize: 10);
        hook.BeforeTrain(s.After(0, 10));

        hook.UpdateBoxes(s.Run);

        // 24 images in batches of 10: 10, 20, 24 done.
        Assert.That(progress.Calls, Is.EqualTo(new[] { "start box update: 24 images 0/24", "advance 10", "advance 20", "advance 24", "stop" }));
    }
}
