using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Cropping;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>
/// ContrastiveCrop's placement rule: the crop size is drawn as in RandomResizedCrop (area relative
/// to the whole image), then its top-left corner between the positions that centre the crop on the
/// box's first and last row (column), clamped into the image, at a Beta(α, α) fraction of the way.
/// </summary>
public sealed class BoxedCropPlacement(ScaleRatio range, double alpha)
{
    private readonly BetaDistribution _beta = new(alpha, alpha);

    /// <summary>
    /// A crop of a <paramref name="height"/> × <paramref name="width"/> image centred inside <paramref name="box"/>;
    /// <paramref name="scale"/> replaces the configured area range (a view's own, <see cref="CropRequest.Scale"/>).
    /// </summary>
    public CropBox Sample(int height, int width, NormalizedBox box, Random random, CropScale? scale = null)
    {
        if (!CropGeometry.TrySampleSize(height, width, CropGeometry.WithScale(range, scale), random, out int h, out int w))
            return new CropBox((height - h) / 2, (width - w) / 2, h, w);
        int top = Offset(height, h, box.H0, box.H1, random);
        int left = Offset(width, w, box.W0, box.W1, random);
        return new CropBox(top, left, h, w);
    }

    /// <summary>
    /// The first row (column) of a crop of <paramref name="cropSize"/> in a side of <paramref name="size"/>,
    /// as the official code computes it: truncations, then <c>lo + ⌊(hi − lo) · u⌋</c>, u ~ Beta(α, α).
    /// </summary>
    public int Offset(int size, int cropSize, float start, float end, Random random)
    {
        int lo = Math.Clamp(Pixel(size, start) - cropSize / 2, 0, size - cropSize);
        int hi = Math.Clamp(Pixel(size, end) - cropSize / 2, 0, size - cropSize);
        return lo + (int)((hi - lo) * _beta.Sample(random));
    }

    /// <summary>⌊size · fraction⌋, tolerant of float error: boxes hold i / size, which float cannot always store exactly.</summary>
    private static int Pixel(int size, float fraction) => (int)Math.Floor(size * (double)fraction + 1e-4);
}
