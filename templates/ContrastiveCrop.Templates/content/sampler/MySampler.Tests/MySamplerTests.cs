using ContrastiveCrop.Contracts;
using NUnit.Framework;

namespace MySampler.Tests;

[TestFixture]
public sealed class MySamplerTests
{
    [Test]
    public void Every_crop_is_a_square_inside_the_image_with_an_area_in_the_scale_range()
    {
        var sampler = new MySampler(new MySamplerOptions { Scale = [0.1, 0.5] });
        var random = new Random(1);
        for (int i = 0; i < 1000; i++)
        {
            var crop = sampler.Sample(new CropRequest(i, 0, 60, 80), random);
            Assert.That(crop.Top >= 0 && crop.Left >= 0 && crop.Top + crop.Height <= 60 && crop.Left + crop.Width <= 80, Is.True, $"{crop}");
            Assert.That(crop.Height, Is.EqualTo(crop.Width));
            // The side is the rounded square root of the drawn area: within half a pixel of sqrt(0.1·4800) .. sqrt(0.5·4800).
            Assert.That(crop.Height, Is.InRange(Math.Sqrt(480) - 0.5, Math.Sqrt(2400) + 0.5));
        }
    }

    [Test]
    public void Crops_of_one_size_are_placed_uniformly()
    {
        // scale [0.25, 0.25] on 40×40: every crop is 20×20 and its top is uniform on 0..20, mean 10, variance
        // ((21² − 1) / 12) = 36.67; over 4000 draws the mean's standard error is about 0.1.
        var sampler = new MySampler(new MySamplerOptions { Scale = [0.25, 0.25] });
        var random = new Random(7);
        var tops = Enumerable.Range(0, 4000).Select(i => sampler.Sample(new CropRequest(i, 0, 40, 40), random)).Select(c => (double)c.Top).ToList();
        Assert.That(tops.Average(), Is.EqualTo(10).Within(0.5));
        Assert.That(tops.Min(), Is.EqualTo(0));
        Assert.That(tops.Max(), Is.EqualTo(20));
    }

    [Test]
    public void All_randomness_comes_from_the_given_random()
    {
        var sampler = new MySampler(new MySamplerOptions());
        var first = Enumerable.Range(0, 50).Select(i => sampler.Sample(new CropRequest(i, 0, 32, 32), new Random(i))).ToList();
        var second = Enumerable.Range(0, 50).Select(i => sampler.Sample(new CropRequest(i, 0, 32, 32), new Random(i))).ToList();
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void A_view_with_its_own_scale_overrides_the_option()
    {
        var sampler = new MySampler(new MySamplerOptions { Scale = [1.0, 1.0] });
        var crop = sampler.Sample(new CropRequest(0, 0, 100, 100) { Scale = new CropScale(0.04, 0.04) }, new Random(3));
        Assert.That(crop.Height, Is.EqualTo(20));
    }

    [TestCase(0.0, 0.5)]
    [TestCase(0.6, 0.5)]
    [TestCase(0.2, 1.5)]
    public void Invalid_scales_are_reported_under_their_recipe_key(double min, double max)
    {
        var errors = new MySamplerOptions { Scale = [min, max] }.Validate().ToList();
        Assert.That(errors.Select(e => e.Key), Is.EqualTo(new[] { "scale" }));
    }
}
