namespace ContrastiveCrop.Contracts;

/// <summary>
/// Chooses the crop rectangle of one augmented view of one image. Everything else about the view
/// (resize, flip, colour) is the augmentation pipeline's job.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe for concurrent <see cref="Sample"/> calls: the data loader
/// samples from several threads. All randomness must come from the <c>random</c>
/// argument of <see cref="Sample"/>, which the host seeds from (seed, epoch, image index, view),
/// so results do not depend on the number of threads.
/// </remarks>
public interface ICropSampler
{
    /// <summary>Returns a crop that lies inside the image described by <paramref name="request"/>.</summary>
    CropBox Sample(in CropRequest request, Random random);
}

/// <summary>
/// What a sampler is asked for: image <see cref="Index"/>'s view <see cref="View"/> in epoch <see cref="Epoch"/>,
/// with read-only access to the image's pixels, so a sampler can be content-aware or scheduled over training.
/// </summary>
/// <param name="Index">Index of the image in the training set.</param>
/// <param name="View">Index of the view (0, 1, ...) within the image's views.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Width">Image width in pixels.</param>
public readonly record struct CropRequest(int Index, int View, int Height, int Width)
{
    /// <summary>
    /// The view's own crop area range (<see cref="ViewSpec.Scale"/>), or null for the sampler's
    /// configured one. Samplers that draw the crop area as RandomResizedCrop does use it in place of
    /// their scale option; a sampler built against contracts 1.0 ignores it. Added in contracts 1.1.
    /// </summary>
    public CropScale? Scale { get; init; }

    /// <summary>The 0-based training epoch the crop is for (0 outside training, e.g. in a crop preview). Added in contracts 2.0.</summary>
    public int Epoch { get; init; }

    /// <summary>
    /// The image's pixels: <see cref="Height"/> × <see cref="Width"/> × 3 bytes, row-major RGB (empty when the
    /// caller has none). Read-only: the image is shared with the other views and threads. Added in contracts 2.0.
    /// </summary>
    public ReadOnlyMemory<byte> Pixels { get; init; }

    /// <summary>Channel <paramref name="channel"/> (0 = R, 1 = G, 2 = B) of the pixel at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public byte Pixel(int row, int column, int channel) => Pixels.Span[(row * Width + column) * 3 + channel];
}

/// <summary>A crop rectangle in pixels; always inside the image it was sampled for.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Height">Number of rows (≥ 1).</param>
/// <param name="Width">Number of columns (≥ 1).</param>
public readonly record struct CropBox(int Top, int Left, int Height, int Width)
{
    /// <summary>The whole image.</summary>
    public static CropBox Whole(int height, int width) => new(0, 0, height, width);
}

/// <summary>A box in normalised image coordinates: rows h0..h1 and columns w0..w1, each in [0, 1].</summary>
/// <param name="H0">Top edge as a fraction of the height.</param>
/// <param name="W0">Left edge as a fraction of the width.</param>
/// <param name="H1">Bottom edge as a fraction of the height.</param>
/// <param name="W1">Right edge as a fraction of the width.</param>
public readonly record struct NormalizedBox(float H0, float W0, float H1, float W1)
{
    /// <summary>The whole image, (0, 0, 1, 1).</summary>
    public static NormalizedBox Whole => new(0, 0, 1, 1);

    /// <summary>Area as a fraction of the image.</summary>
    public float Area => Math.Max(0, H1 - H0) * Math.Max(0, W1 - W0);
}
