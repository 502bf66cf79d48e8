using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging;

/// <summary>
/// What happens to one view after its crop is chosen: resize to the view size, horizontal flip,
/// colour jitter, grayscale, Gaussian blur, solarize, normalise — torchvision's order in the
/// methods' official pipelines. All randomness comes from the view's <see cref="Random"/>, which the
/// loader seeds from (seed, epoch, index, view) after the crop sampler has drawn from it.
/// </summary>
/// <param name="Name">The name recipes use (e.g. <c>moco-v2</c>).</param>
/// <param name="FlipProbability">Probability of a horizontal flip.</param>
/// <param name="Jitter">Colour jitter strengths, or null for none.</param>
/// <param name="JitterProbability">Probability the jitter is applied (torchvision RandomApply).</param>
/// <param name="GrayscaleProbability">Probability of converting to grey (RandomGrayscale).</param>
/// <param name="GrayscaleBeforeJitter">MoCo v1's order: RandomGrayscale before ColorJitter.</param>
/// <param name="BlurProbability">Probability of a Gaussian blur.</param>
/// <param name="BlurSigma">Range of the blur's σ in pixels, drawn uniformly.</param>
/// <param name="SolarizeProbability">Probability of solarizing at 0.5.</param>
/// <param name="Source">Where the parameters come from (paper, official code).</param>
/// <param name="RandAugment">RandAugment applied last, on the 8-bit image as PIL does (CLSA's strong view); null for none.</param>
public sealed record AugmentationPipeline(
    string Name,
    double FlipProbability = 0.5,
    ColorJitter? Jitter = null,
    double JitterProbability = 0.8,
    double GrayscaleProbability = 0.2,
    bool GrayscaleBeforeJitter = false,
    double BlurProbability = 0,
    double[]? BlurSigma = null,
    double SolarizeProbability = 0,
    string Source = "",
    RandAugment.RandAugmenter? RandAugment = null)
{
    /// <summary>
    /// Writes view <paramref name="crop"/> of <paramref name="image"/> at <paramref name="size"/>²,
    /// augmented and normalised, into <paramref name="destination"/> (CHW, 3·size² floats).
    /// </summary>
    public void Write(RgbImage image, CropBox crop, int size, Random random, Normalization norm, Span<float> destination)
    {
        int plane = size * size;
        bool flip = random.NextDouble() < FlipProbability;
        ResizedCrop.Write(image, crop, size, flip, destination);
        bool gray = random.NextDouble() < GrayscaleProbability;
        if (GrayscaleBeforeJitter && gray) Grayscale.Apply(destination, plane);
        if (Jitter is not null && random.NextDouble() < JitterProbability) Jitter.Apply(destination, plane, random);
        if (!GrayscaleBeforeJitter && gray) Grayscale.Apply(destination, plane);
        if (BlurProbability > 0 && random.NextDouble() < BlurProbability)
        {
            var sigma = BlurSigma ?? [0.1, 2.0];
            GaussianBlur.Apply(destination, size, size, GaussianBlur.KernelSizeFor(size), sigma[0] + (sigma[1] - sigma[0]) * random.NextDouble());
        }
        if (SolarizeProbability > 0 && random.NextDouble() < SolarizeProbability) Solarize.Apply(destination);
        if (RandAugment is not null) ContrastiveCrop.Imaging.RandAugment.PlanarImage.Apply(destination, size, image => RandAugment.Apply(image, random));
        norm.Apply(destination, plane);
    }
}
