using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.Localization;
using ContrastiveCrop.Plugins.Samplers;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Samplers;

[TestFixture]
public sealed class ContrastiveCropSamplerTests
{
    /// <summary>A sampler for <paramref name="count"/> images whose boxes were all set to <paramref name="box"/> (through its state).</summary>
    private static ContrastiveCropSampler WithBoxes(ContrastiveCropOptions options, int count, NormalizedBox box)
    {
        var sampler = new ContrastiveCropSampler(options);
        var values = Enumerable.Range(0, count).SelectMany(_ => new[] { box.H0, box.W0, box.H1, box.W1 }).ToArray();
        using var boxes = tensor(values, [count, 4]);
        using var localized = tensor(1L);
        sampler.SetState(new Dictionary<string, Tensor> { ["boxes"] = boxes, ["localized"] = localized });
        sampler.Initialize(count);
        return sampler;
    }

    private static NormalizedBox RandomBox(Random random)
    {
        float h0 = (float)random.NextDouble(), h1 = (float)random.NextDouble(), w0 = (float)random.NextDouble(), w1 = (float)random.NextDouble();
        return new NormalizedBox(Math.Min(h0, h1), Math.Min(w0, w1), Math.Max(h0, h1), Math.Max(w0, w1));
    }

    [TestCase(32, 32)]
    [TestCase(200, 160)]
    [TestCase(24, 60)]
    public void Crops_lie_inside_the_image_with_area_and_ratio_in_range_and_centres_in_the_box(int height, int width)
    {
        var options = new ContrastiveCropOptions { Alpha = 0.1 };
        var random = new Random(42);
        int outsideBox = 0, fallbacks = 0;
        const int draws = 5000;
        for (int i = 0; i < draws; i++)
        {
            var box = RandomBox(random);
            var crop = WithBoxes(options, 1, box).Sample(new CropRequest(0, 0, height, width), random);
            Assert.That(crop.Top >= 0 && crop.Left >= 0 && crop.Height >= 1 && crop.Width >= 1 &&
                        crop.Top + crop.Height <= height && crop.Left + crop.Width <= width, $"{crop} is not inside {height}×{width}");
            var central = CropGeometry.CentralSize(height, width, options.Range);
            if (crop == new CropBox((height - central.Height) / 2, (width - central.Width) / 2, central.Height, central.Width))
            {
                fallbacks++;
                continue;
            }
            // Sides are rounded to whole pixels: allow half a pixel on each side of the drawn area and ratio.
            double area = (double)crop.Height * crop.Width / (height * width);
            double slack = (0.5 / crop.Height + 0.5 / crop.Width) * 2.2;
            Assert.That(area, Is.InRange(0.2 * (1 - slack), 1.0), $"{crop}");
            Assert.That((double)crop.Width / crop.Height, Is.InRange(0.75 * (1 - slack), 4.0 / 3.0 * (1 + slack)), $"{crop}");
            // The centre lies in the box (up to the pixel truncations), unless clamping pushed the crop against the border.
            double centreY = crop.Top + crop.Height / 2.0, centreX = crop.Left + crop.Width / 2.0;
            bool rowsOk = (centreY >= box.H0 * height - 1 || crop.Top + crop.Height == height) && (centreY <= box.H1 * height + 1 || crop.Top == 0);
            bool columnsOk = (centreX >= box.W0 * width - 1 || crop.Left + crop.Width == width) && (centreX <= box.W1 * width + 1 || crop.Left == 0);
            if (!rowsOk || !columnsOk) outsideBox++;
        }
        Assert.That(outsideBox, Is.Zero);
        Assert.That(fallbacks, Is.LessThan(draws / 10));
    }

    [Test]
    public void Small_alpha_puts_more_crops_at_the_box_edges_and_large_alpha_fewer()
    {
        // 200×200 image, box (0.25..0.75)², fixed 40×40 crops: the top edge ranges over 50−20 = 30 .. 150−20 = 130.
        // "At an edge": within the outer tenth of that range on either side; the uniform (α = 1) gives 20%.
        double AtEdges(double alpha)
        {
            var options = new ContrastiveCropOptions { Alpha = alpha, Scale = [0.04, 0.04], Ratio = [1, 1] };
            var sampler = WithBoxes(options, 1, new NormalizedBox(0.25f, 0.25f, 0.75f, 0.75f));
            var random = new Random(3);
            int edges = 0;
            const int draws = 8000;
            for (int i = 0; i < draws; i++)
            {
                var crop = sampler.Sample(new CropRequest(0, 0, 200, 200), random);
                Assert.That((crop.Height, crop.Width), Is.EqualTo((40, 40)));
                Assert.That(crop.Top, Is.InRange(30, 130));
                if (crop.Top - 30 < 10 || crop.Top - 30 >= 90) edges++;
            }
            return (double)edges / draws;
        }
        double small = AtEdges(0.1), uniform = AtEdges(1.0), large = AtEdges(4.0);
        TestContext.Out.WriteLine($"fraction at the edges: α=0.1 {small:F3}, α=1 {uniform:F3}, α=4 {large:F3}");
        Assert.That(uniform, Is.EqualTo(0.2).Within(0.02));
        Assert.That(small, Is.GreaterThan(uniform + 0.3));
        Assert.That(large, Is.LessThan(uniform - 0.1));
    }

    [Test]
    public void Before_the_first_update_it_is_RandomResizedCrop()
    {
        var options = new ContrastiveCropOptions { Alpha = 0.1 };
        var sampler = new ContrastiveCropSampler(options);
        sampler.Initialize(4);
        var reference = new RandomResizedCropSampler(options);
        for (int i = 0; i < 200; i++)
        {
            var request = new CropRequest(i % 4, 0, 32, 40);
            Assert.That(sampler.Sample(request, new Random(i)), Is.EqualTo(reference.Sample(request, new Random(i))));
        }
        Assert.That(sampler.Boxes, Is.All.EqualTo(NormalizedBox.Whole));
        Assert.That(sampler.Localized, Is.False);
    }

    [Test]
    public void An_update_sets_each_indexed_image_to_the_box_of_its_heatmap()
    {
        var sampler = new ContrastiveCropSampler(new ContrastiveCropOptions { Threshold = 0.5 });
        sampler.Initialize(3);
        // Two 4×4 single-channel maps, inputs of 4×4 (no upsampling): a hot pixel at (1, 2), and a hot bottom row.
        var values = new float[32];
        values[1 * 4 + 2] = 1;
        for (int x = 0; x < 4; x++) values[16 + 12 + x] = 1;
        using var maps = tensor(values, [2, 1, 4, 4]);
        sampler.UpdateFromFeatureMaps([2, 0], maps, 4, 4);
        Assert.That(sampler.Localized, Is.True);
        Assert.That(sampler.Boxes[2], Is.EqualTo(new NormalizedBox(0.25f, 0.5f, 0.5f, 0.75f)));
        Assert.That(sampler.Boxes[0], Is.EqualTo(new NormalizedBox(0.75f, 0, 1, 1)));
        Assert.That(sampler.Boxes[1], Is.EqualTo(NormalizedBox.Whole));
    }

    [Test]
    public void State_round_trip_restores_boxes_and_the_next_crops()
    {
        var options = new ContrastiveCropOptions { Alpha = 0.1, Threshold = 0.9 };
        var original = new ContrastiveCropSampler(options);
        original.Initialize(16);
        manual_seed(5);
        using var maps = rand([16, 8, 4, 4]);
        original.UpdateFromFeatureMaps(Enumerable.Range(0, 16).ToArray(), maps, 32, 32);

        var state = original.GetState();
        var restored = new ContrastiveCropSampler(options);
        restored.SetState(state);
        foreach (var t in state.Values) t.Dispose();
        restored.Initialize(16);

        Assert.That(restored.Localized, Is.True);
        Assert.That(restored.Boxes, Is.EqualTo(original.Boxes));
        Assert.That(original.Boxes.Count(b => b != NormalizedBox.Whole), Is.GreaterThan(0));
        for (int i = 0; i < 16; i++)
        {
            var request = new CropRequest(i, 1, 32, 32);
            Assert.That(restored.Sample(request, new Random(100 + i)), Is.EqualTo(original.Sample(request, new Random(100 + i))));
        }
    }

    [Test]
    public void Restored_boxes_for_another_data_set_size_are_refused_by_name()
    {
        var options = new ContrastiveCropOptions();
        var sampler = WithBoxes(options, 10, NormalizedBox.Whole);
        var error = Assert.Throws<InvalidOperationException>(() => sampler.Initialize(12))!;
        Assert.That(error.Message, Does.Contain("10 images").And.Contain("has 12"));
    }

    [TestCase(100, new[] { 20, 40, 60, 80 })]
    [TestCase(10, new[] { 2, 4, 6, 8 })]
    [TestCase(12, new[] { 3, 5, 8, 10 })]
    [TestCase(5, new[] { 1, 2, 3, 4 })]
    [TestCase(1, new int[0])]
    public void Updates_come_every_fifth_of_training_and_never_after_the_last_epoch(int epochs, int[] expected)
    {
        var sampler = new ContrastiveCropSampler(new ContrastiveCropOptions());
        var due = Enumerable.Range(1, epochs).Where(e => sampler.ShouldUpdateAfterEpoch(e, epochs));
        Assert.That(due, Is.EqualTo(expected));
    }

    [Test]
    public void Updates_in_epochs_respect_the_warm_up()
    {
        // Official IN-1K: warm-up 20, interval 20 of 100; and a warm-up that is not a multiple of the interval.
        var schedule = new UpdateSchedule(0.2, Epochs: 20, WarmupEpochs: 20);
        Assert.That(Enumerable.Range(1, 100).Where(e => schedule.IsDue(e, 100)), Is.EqualTo(new[] { 20, 40, 60, 80 }));
        schedule = new UpdateSchedule(0.2, Epochs: 2, WarmupEpochs: 5);
        Assert.That(Enumerable.Range(1, 10).Where(e => schedule.IsDue(e, 10)), Is.EqualTo(new[] { 6, 8 }));
    }

    [Test]
    public void Invalid_options_are_reported_under_their_recipe_keys()
    {
        var options = new ContrastiveCropOptions { Alpha = 0, Threshold = 1, TargetArea = 0, UpdateFraction = 1, UpdateEpochs = 0, WarmupEpochs = -1, Scale = [0.5, 0.2] };
        Assert.That(options.Validate().Select(e => e.Key),
            Is.EquivalentTo(new[] { "scale", "alpha", "threshold", "target_area", "update_fraction", "update_epochs", "warmup_epochs" }));
        Assert.That(new ContrastiveCropOptions().Validate(), Is.Empty);
    }

    [Test]
    public void Defaults_follow_the_official_ImageNet_config()
    {
        var options = new ContrastiveCropOptions();
        Assert.That((options.Alpha, options.Threshold, options.ThresholdMode, options.UpdateFraction), Is.EqualTo((0.6, 0.1, ThresholdMode.Fixed, 0.2)));
        Assert.That(options.Scale, Is.EqualTo(new[] { 0.2, 1.0 }));
    }

    [Test]
    public void SimCCrop_centres_crops_in_its_fixed_central_box_from_the_start()
    {
        // 100×100, fixed 20×20 crops, box (0.25..0.75)²: top in [25−10, 75−10] = [15, 65], centres in [25, 75].
        var sampler = new SimCCropSampler(new SimCCropOptions { Alpha = 0.1, Scale = [0.04, 0.04], Ratio = [1, 1] });
        var random = new Random(9);
        for (int i = 0; i < 2000; i++)
        {
            var crop = sampler.Sample(new CropRequest(i, 0, 100, 100), random);
            Assert.That(crop.Top, Is.InRange(15, 65));
            Assert.That(crop.Left, Is.InRange(15, 65));
        }
        Assert.That(new SimCCropOptions { Box = [0.5, 0, 0.2, 1] }.Validate().Select(e => e.Key), Is.EqualTo(new[] { "box" }));
    }
}
