using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class RoiAlignTests
{
    [Test]
    public void A_single_sample_is_the_bilinear_value_at_the_half_pixel_shifted_centre()
    {
        using var scope = NewDisposeScope();
        var features = tensor(new double[] { 0, 0, 0, 4 }, [1, 1, 2, 2]);
        // Aligned RoI [0.75, 1.25]²: shifted by −0.5 → [0.25, 0.75]², size 0.5 → grid ceil(0.5) = 1 sample at
        // (0.5, 0.5); bilinear: 4 · 0.5 · 0.5 = 1.
        var rois = tensor(new double[] { 0, 0.75, 0.75, 1.25, 1.25 }, [1, 5]);
        Assert.That(new RoiAlign(1, 1, 1.0).Forward(features, rois).item<double>(), Is.EqualTo(1.0).Within(1e-12));
        // Not aligned, the same RoI samples at (1.0, 1.0): exactly the pixel holding 4.
        Assert.That(new RoiAlign(1, 1, 1.0, aligned: false).Forward(features, rois).item<double>(), Is.EqualTo(4.0).Within(1e-12));
    }

    [Test]
    public void On_a_linear_map_each_bin_is_the_value_at_its_centre()
    {
        using var scope = NewDisposeScope();
        // f(y, x) = 10y + x is reproduced exactly by bilinear interpolation, and the mean of a symmetric
        // sample grid is its centre. RoI [1, 1, 5, 3] (scale 1, aligned) → feature box [0.5, 4.5] × [0.5, 2.5];
        // 2 × 2 bins of 2 × 1: bin centres x = 1.5, 3.5 and y = 1.0, 2.0 → 11.5, 13.5, 21.5, 23.5.
        var f = (arange(6, ScalarType.Float64)[.., TensorIndex.None] * 10 + arange(6, ScalarType.Float64)[TensorIndex.None, ..]).reshape(1, 1, 6, 6);
        var rois = tensor(new double[] { 0, 1, 1, 5, 3 }, [1, 5]);
        var output = new RoiAlign(2, 2, 1.0).Forward(f, rois).data<double>().ToArray();
        Assert.That(output, Is.EqualTo(new[] { 11.5, 13.5, 21.5, 23.5 }).Within(1e-12));
    }

    [Test]
    public void Samples_beyond_one_pixel_outside_count_as_zero_and_nearer_ones_clamp()
    {
        using var scope = NewDisposeScope();
        var features = ones(1, 1, 4, 4, ScalarType.Float64);
        // Aligned RoI [−3.5, 0.5] in x → feature [−4, 0]; one bin, grid 4, samples at −3.5, −2.5, −1.5, −0.5.
        // Three are below −1 (zero); −0.5 clamps to 0 (value 1). Mean over 4 × (y grid) → 1/4.
        var rois = tensor(new double[] { 0, -3.5, 1.5, 0.5, 2.5 }, [1, 5]);
        Assert.That(new RoiAlign(1, 1, 1.0).Forward(features, rois).item<double>(), Is.EqualTo(0.25).Within(1e-12));
    }

    [Test]
    public void Matches_torchvision_roi_align_on_a_nonlinear_map()
    {
        using var scope = NewDisposeScope();
        var f = arange(36, ScalarType.Float64).reshape(1, 1, 6, 6);
        f = f * f / 10;
        var rois = tensor(new double[] { 0, 0.3, 0.7, 4.1, 3.2, 0, -2.0, -1.5, 2.5, 1.0, 0, 4.0, 4.0, 9.0, 9.0, 0, 1.0, 1.0, 1.4, 1.2 }, [4, 5]);
        // Reference: torchvision 0.14.1 (Debian python3-torchvision), roi_align(f, rois, (2, 3), 1.0, 0, aligned=True)
        // and roi_align(f, rois, (2, 2), 0.5, 2, aligned=False), float64.
        double[] aligned = [3.9373333333, 5.4596666667, 7.3136666667, 17.7273333333, 21.1496666667, 24.9036666667,
                            0, 0, 0, 0, 0.35078125, 0.665625,
                            101.3972222222, 52.8166666667, 0, 0, 0, 0,
                            2.4106666667, 2.512, 2.6133333333, 2.8386666667, 2.956, 3.0733333333];
        double[] legacy = [2.944375, 3.909625, 7.733125, 9.410875, 0, 0.06875, 0.675, 0.8984375,
                           34.63125, 39.3875, 68.04375, 74.675, 3.45, 4.0, 7.5, 8.35];
        Assert.That(new RoiAlign(2, 3, 1.0).Forward(f, rois).data<double>().ToArray(), Is.EqualTo(aligned).Within(1e-9));
        Assert.That(new RoiAlign(2, 2, 0.5, 2, aligned: false).Forward(f, rois).data<double>().ToArray(), Is.EqualTo(legacy).Within(1e-9));
    }

    [Test]
    public void Gradient_matches_central_finite_differences()
    {
        using var scope = NewDisposeScope();
        var generator = manual_seed(7);
        var features = randn([2, 3, 7, 6], ScalarType.Float64, generator: generator).requires_grad_(true);
        var rois = tensor(new double[] { 0, 0.4, 1.2, 5.3, 6.1, 1, 2.0, 0.5, 4.5, 3.0, 1, -0.8, 3.3, 2.2, 7.9 }, [3, 5]);
        var op = new RoiAlign(3, 2, 1.0);
        var weights = randn([3, 3, 3, 2], ScalarType.Float64, generator: generator);
        var loss = (op.Forward(features, rois) * weights).sum();
        loss.backward();
        var analytic = features.grad!.clone();
        var numeric = zeros_like(features);
        const double h = 1e-6;
        using (no_grad())
        {
            var flat = features.view(-1);
            var numericFlat = numeric.view(-1);
            for (long i = 0; i < flat.shape[0]; i++)
            {
                double v = flat[i].item<double>();
                flat[i] = v + h;
                double plus = (op.Forward(features, rois) * weights).sum().item<double>();
                flat[i] = v - h;
                double minus = (op.Forward(features, rois) * weights).sum().item<double>();
                flat[i] = v;
                numericFlat[i] = (plus - minus) / (2 * h);
            }
        }
        Assert.That(analytic.abs().sum().item<double>(), Is.GreaterThan(1), "the RoIs touch the map");
        Assert.That((analytic - numeric).abs().max().item<double>(), Is.LessThan(1e-7));
    }

    [Test]
    public void Adaptive_sampling_uses_ceil_of_roi_over_bin_points()
    {
        using var scope = NewDisposeScope();
        // Map 0 everywhere except a 1 at (y=0, x=3). Aligned RoI [0.5, 0.5, 5.5, 1.5] → feature [0, 5] × [0, 1]:
        // one bin of width 5 → grid ceil(5) = 5 in x (x = 0.5, 1.5, …, 4.5), ceil(1) = 1 in y (y = 0.5).
        // Samples at x = 2.5 and 3.5 each give 0.5 · 0.5 from the 1 (bilinear in x, half in y) → (0.25 + 0.25) / 5 = 0.1.
        // A fixed sampling ratio of 1 samples only x = 2.5 → 0.25.
        var f = zeros(1, 1, 4, 6, ScalarType.Float64);
        f[0, 0, 0, 3] = 1.0;
        var rois = tensor(new double[] { 0, 0.5, 0.5, 5.5, 1.5 }, [1, 5]);
        Assert.That(new RoiAlign(1, 1, 1.0).Forward(f, rois).item<double>(), Is.EqualTo(0.1).Within(1e-12));
        Assert.That(new RoiAlign(1, 1, 1.0, samplingRatio: 1).Forward(f, rois).item<double>(), Is.EqualTo(0.25).Within(1e-12));
    }
}
