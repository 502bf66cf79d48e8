using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.Localization;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Samplers;

[TestFixture]
public sealed class HeatmapBoxTests
{
    private static readonly BoxThreshold K01 = BoxThreshold.Fixed(0.1);

    /// <summary>An 8×8 heatmap of zeros with the given rectangles (rows r0..r1, columns c0..c1, inclusive) set to <paramref name="value"/>.</summary>
    private static float[] Blobs(float value, params (int R0, int C0, int R1, int C1)[] blobs)
    {
        var heat = new float[64];
        foreach (var (r0, c0, r1, c1) in blobs)
            for (int y = r0; y <= r1; y++)
            for (int x = c0; x <= c1; x++)
                heat[y * 8 + x] = value;
        return heat;
    }

    [Test]
    public void A_single_blob_gives_its_pixel_extent()
    {
        // Rows 2..4 and columns 3..6 of 8: (2/8, 3/8, 5/8, 7/8).
        var box = HeatmapBox.Locate(Blobs(1f, (2, 3, 4, 6)), 8, 8, K01);
        Assert.That(box, Is.EqualTo(new NormalizedBox(0.25f, 0.375f, 0.625f, 0.875f)));
    }

    [Test]
    public void Two_blobs_give_their_rectangular_closure()
    {
        // Rows 1..2 / columns 1..2 and rows 5..6 / columns 4..6: closure rows 1..6, columns 1..6.
        var box = HeatmapBox.Locate(Blobs(1f, (1, 1, 2, 2), (5, 4, 6, 6)), 8, 8, K01);
        Assert.That(box, Is.EqualTo(new NormalizedBox(0.125f, 0.125f, 0.875f, 0.875f)));
    }

    [Test]
    public void Nothing_above_k_gives_the_whole_image()
    {
        var heat = Enumerable.Repeat(0.05f, 64).ToArray();
        Assert.That(HeatmapBox.Locate(heat, 8, 8, K01), Is.EqualTo(NormalizedBox.Whole));
    }

    [Test]
    public void A_value_equal_to_k_is_not_above_it()
    {
        // The rule is "heat > k": a blob exactly at k is ignored, one just above counts.
        Assert.That(HeatmapBox.Locate(Blobs(0.5f, (2, 2, 3, 3)), 8, 8, BoxThreshold.Fixed(0.5)), Is.EqualTo(NormalizedBox.Whole));
        Assert.That(HeatmapBox.Locate(Blobs(0.5f, (2, 2, 3, 3)), 8, 8, BoxThreshold.Fixed(0.49)), Is.EqualTo(new NormalizedBox(0.25f, 0.25f, 0.5f, 0.5f)));
    }

    [Test]
    public void Raising_k_only_shrinks_the_box()
    {
        // A smooth bump off centre; each box must contain the next one (higher k).
        const int side = 32;
        var heat = new float[side * side];
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
            heat[y * side + x] = (float)Math.Exp(-((y - 12) * (y - 12) + (x - 20) * (x - 20)) / 60.0);
        NormalizedBox? previous = null;
        for (double k = 0; k < 1; k += 0.05)
        {
            var box = HeatmapBox.Locate(heat, side, side, BoxThreshold.Fixed(k));
            if (previous is { } p)
                Assert.That(box.H0 >= p.H0 && box.W0 >= p.W0 && box.H1 <= p.H1 && box.W1 <= p.W1, $"k={k}: {box} is not inside {p}");
            previous = box;
        }
        Assert.That(previous!.Value.Area, Is.LessThan(0.05f));
    }

    [Test]
    public void Heatmaps_sum_channels_normalise_per_image_and_upsample_bilinearly()
    {
        // Image 0: channels [[0,1],[1,1]] + [[0,0],[1,2]] sum to [[0,1],[2,3]], normalised [[0,1/3],[2/3,1]].
        // Image 1 is image 0 times 10 plus 5: the same after min-max normalisation.
        var first = tensor(new float[] { 0, 1, 1, 1, 0, 0, 1, 2 }, [1, 2, 2, 2]);
        using var maps = cat([first, first * 10 + 5], 0);
        using var heat = HeatmapBox.Heatmaps(maps, 4, 4);
        Assert.That(heat.shape, Is.EqualTo(new long[] { 2, 4, 4 }));
        var v = heat.data<float>().ToArray();
        // align_corners=false: output pixel o samples source (o + 0.5)/2 − 0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (→ 1).
        // Row 0: 0, 0.25·1/3, 0.75·1/3, 1/3.  Pixel (1,1) at (0.25, 0.25): 0.75·0.25·1/3 + 0.25·0.75·2/3 + 0.25·0.25·1 = 0.25.
        Assert.That(v.Take(4), Is.EqualTo(new[] { 0f, 1f / 12, 3f / 12, 4f / 12 }).Within(1e-6));
        Assert.That(v[5], Is.EqualTo(0.25f).Within(1e-6));
        Assert.That(v[15], Is.EqualTo(1f).Within(1e-6));
        Assert.That(v.Skip(16), Is.EqualTo(v.Take(16)).Within(1e-5));
    }

    [TestCase(ThresholdMode.Fixed, 0.1)]
    [TestCase(ThresholdMode.Fixed, 0.5)]
    [TestCase(ThresholdMode.Fixed, 0.8)]
    [TestCase(ThresholdMode.TargetArea, 0.3)]
    [TestCase(ThresholdMode.TargetArea, 0.7)]
    public void Boxes_from_row_and_column_maxima_equal_boxes_from_whole_heatmaps(ThresholdMode mode, double value)
    {
        // The update reduces heatmaps to row/column maxima on the tensors; the box rule only reads
        // those maxima, and a maximum of the same floats is exact, so the boxes must be identical.
        manual_seed(11);
        const int n = 32, height = 20, width = 28; // not square, not a multiple of the 5×7 maps
        using var maps = (randn([n, 2, 5, 7]) * 3).exp(); // log-normal: a few hot cells, so boxes vary in size
        var rule = new BoxThreshold(mode, value);
        using var heat = HeatmapBox.Heatmaps(maps, height, width);
        var values = heat.data<float>().ToArray();
        var (rowMax, columnMax) = HeatmapBox.Maxima(maps, height, width);
        Assert.That(rowMax, Has.Length.EqualTo(n * height));
        Assert.That(columnMax, Has.Length.EqualTo(n * width));
        var whole = Enumerable.Range(0, n).Select(i => HeatmapBox.Locate(values.AsSpan(i * height * width, height * width), height, width, rule)).ToList();
        var fromMaxima = Enumerable.Range(0, n).Select(i => HeatmapBox.Locate(rowMax.AsSpan(i * height, height), columnMax.AsSpan(i * width, width), rule)).ToList();
        Assert.That(fromMaxima, Is.EqualTo(whole));
        Assert.That(whole.Distinct().Count(), Is.GreaterThan(n / 4), "the maps should give varied boxes, or the comparison says little");
    }

    [Test]
    public void Otsu_cannot_be_computed_from_maxima_alone()
    {
        Assert.That(HeatmapBox.NeedsWholeHeatmap(new BoxThreshold(ThresholdMode.Otsu, 0)), Is.True);
        Assert.That(HeatmapBox.NeedsWholeHeatmap(K01), Is.False);
        Assert.Throws<ArgumentException>(() => HeatmapBox.Locate(new float[4], new float[4], new BoxThreshold(ThresholdMode.Otsu, 0)));
    }

    [Test]
    public void A_flat_feature_map_gives_zeros_and_so_the_whole_image()
    {
        using var maps = full(new long[] { 1, 3, 4, 4 }, 2.5f);
        using var heat = HeatmapBox.Heatmaps(maps, 8, 8);
        var values = heat.data<float>().ToArray();
        Assert.That(values, Is.All.EqualTo(0f));
        Assert.That(HeatmapBox.Locate(values, 8, 8, K01), Is.EqualTo(NormalizedBox.Whole));
    }

    [Test]
    public void Otsu_finds_an_object_on_a_warm_background_where_a_low_fixed_k_cannot()
    {
        // Background 0.3 everywhere, object 0.9: k = 0.1 keeps everything, Otsu splits between the modes.
        var heat = Blobs(0.9f, (3, 1, 5, 4));
        for (int i = 0; i < heat.Length; i++) if (heat[i] == 0) heat[i] = 0.3f;
        Assert.That(HeatmapBox.Locate(heat, 8, 8, K01), Is.EqualTo(NormalizedBox.Whole));
        var otsu = OtsuThreshold.Of(heat);
        Assert.That(otsu, Is.InRange(0.3f, 0.9f));
        Assert.That(HeatmapBox.Locate(heat, 8, 8, new BoxThreshold(ThresholdMode.Otsu, 0)), Is.EqualTo(new NormalizedBox(0.375f, 0.125f, 0.75f, 0.625f)));
    }

    [TestCase(0.30, 0.36)]
    [TestCase(0.36, 0.36)]
    [TestCase(0.37, 0.64)]
    [TestCase(0.01, 0.04)]
    [TestCase(1.00, 1.00)]
    public void Target_area_picks_the_smallest_closure_covering_the_target(double target, double expected)
    {
        // A 10×10 pyramid: value 1 − ring/5 for the square rings around the centre (sides 2, 4, 6, 8, 10),
        // so the possible boxes have areas 0.04, 0.16, 0.36, 0.64 and 1.
        var heat = new float[100];
        for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++)
            heat[y * 10 + x] = 1 - (float)Math.Floor(Math.Max(Math.Abs(y - 4.5), Math.Abs(x - 4.5))) / 5;
        var box = HeatmapBox.Locate(heat, 10, 10, new BoxThreshold(ThresholdMode.TargetArea, target));
        Assert.That(box.Area, Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void IoU_of_hand_computed_boxes()
    {
        // Intersection 0.25², union 0.25 + 0.25 − 0.0625 = 0.4375.
        var a = new NormalizedBox(0, 0, 0.5f, 0.5f);
        var b = new NormalizedBox(0.25f, 0.25f, 0.75f, 0.75f);
        Assert.That(BoxOverlap.IoU(a, b), Is.EqualTo(0.0625 / 0.4375).Within(1e-7));
        Assert.That(BoxOverlap.IoU(a, a), Is.EqualTo(1.0).Within(1e-7));
        Assert.That(BoxOverlap.IoU(a, new NormalizedBox(0.5f, 0.5f, 1, 1)), Is.EqualTo(0.0));
    }
}
