using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Imaging;

/// <summary>The named pipelines: parameters from the papers, determinism, output shape and range.</summary>
[TestFixture]
public sealed class AugmentationPipelineTests
{
    private static RgbImage Noise(int side, int seed)
    {
        var pixels = new byte[side * side * 3];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(side, side, pixels);
    }

    [TestCase("simclr")]
    [TestCase("moco-v1")]
    [TestCase("moco-v2")]
    [TestCase("byol-1")]
    [TestCase("byol-2")]
    [TestCase("simsiam")]
    [TestCase("small")]
    public void A_pipeline_is_deterministic_in_its_random_and_fills_the_view(string name)
    {
        var pipeline = AugmentationPipelines.Get(name);
        var image = Noise(40, 1);
        var crop = new CropBox(3, 5, 30, 20);
        var a = new float[3 * 24 * 24];
        var b = new float[3 * 24 * 24];
        pipeline.Write(image, crop, 24, new Random(9), Normalization.ImageNet, a);
        pipeline.Write(image, crop, 24, new Random(9), Normalization.ImageNet, b);
        Assert.That(a, Is.EqualTo(b));
        // Normalised [0, 1] values lie in [(0 − 0.485)/0.229, (1 − 0.406)/0.225] = [−2.12, 2.64].
        Assert.That(a, Is.All.InRange(-2.12f, 2.65f));
    }

    [Test]
    public void Byol_views_are_asymmetric_in_blur_and_solarize()
    {
        Assert.That((AugmentationPipelines.Byol1.BlurProbability, AugmentationPipelines.Byol1.SolarizeProbability), Is.EqualTo((1.0, 0.0)));
        Assert.That((AugmentationPipelines.Byol2.BlurProbability, AugmentationPipelines.Byol2.SolarizeProbability), Is.EqualTo((0.1, 0.2)));
        Assert.That(AugmentationPipelines.Byol1.Jitter, Is.EqualTo(new ColorJitter(0.4f, 0.4f, 0.2f, 0.1f)));
    }

    [Test]
    public void Moco_v2_adds_blur_to_the_standard_jitter_and_moco_v1_jitters_always_after_grey()
    {
        Assert.That(AugmentationPipelines.MoCoV2.Jitter, Is.EqualTo(new ColorJitter(0.4f, 0.4f, 0.4f, 0.1f)));
        Assert.That((AugmentationPipelines.MoCoV2.JitterProbability, AugmentationPipelines.MoCoV2.GrayscaleProbability, AugmentationPipelines.MoCoV2.BlurProbability),
            Is.EqualTo((0.8, 0.2, 0.5)));
        Assert.That((AugmentationPipelines.MoCoV1.JitterProbability, AugmentationPipelines.MoCoV1.GrayscaleBeforeJitter), Is.EqualTo((1.0, true)));
        Assert.That(AugmentationPipelines.Small.BlurProbability, Is.Zero);
    }

    [Test]
    public void Crop_flip_pipeline_equals_a_plain_resized_crop_then_normalisation()
    {
        var image = Noise(16, 2);
        var crop = new CropBox(2, 2, 10, 12);
        var random = new Random(4);
        bool flip = new Random(4).NextDouble() < 0.5; // the pipeline's first draw is the flip
        var viaPipeline = new float[3 * 8 * 8];
        AugmentationPipelines.CropFlip.Write(image, crop, 8, random, Normalization.ImageNet, viaPipeline);
        var direct = new float[3 * 8 * 8];
        ResizedCrop.Write(image, crop, 8, flip, Normalization.ImageNet, direct);
        Assert.That(viaPipeline, Is.EqualTo(direct));
    }

    [Test]
    public void An_unknown_pipeline_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => AugmentationPipelines.Get("moco-v3"))!;
        Assert.That(error.Message, Does.Contain("Unknown augmentation pipeline 'moco-v3'").And.Contain("simclr, moco-v1, moco-v2, byol-1, byol-2, simsiam, small, crop-flip"));
    }
}
