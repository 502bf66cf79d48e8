using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Samples.FixedBoxSampler;

/// <summary>
/// Sample plugin: crops of a random area fraction whose centres fall uniformly inside one fixed
/// normalised box (the same for every image). Shows the whole surface a third-party sampler needs.
/// </summary>
[Plugin("fixed-box", Description = "Sample third-party sampler: crop centres uniform in one fixed box.")]
public sealed class FixedBoxSampler(FixedBoxOptions options) : ICropSampler
{
    /// <inheritdoc />
    public CropBox Sample(in CropRequest request, Random random)
    {
        double area = request.Height * request.Width * (options.Scale[0] + (options.Scale[1] - options.Scale[0]) * random.NextDouble());
        int side = Math.Clamp((int)Math.Round(Math.Sqrt(area)), 1, Math.Min(request.Height, request.Width));
        var box = options.Box;
        double centreY = request.Height * (box[0] + (box[2] - box[0]) * random.NextDouble());
        double centreX = request.Width * (box[1] + (box[3] - box[1]) * random.NextDouble());
        int top = Math.Clamp((int)Math.Round(centreY - side / 2.0), 0, request.Height - side);
        int left = Math.Clamp((int)Math.Round(centreX - side / 2.0), 0, request.Width - side);
        return new CropBox(top, left, side, side);
    }
}

/// <summary>Options of <see cref="FixedBoxSampler"/>; defaults: the central half of the image, areas 20–100%.</summary>
public sealed record FixedBoxOptions : IValidatableOptions
{
    /// <summary>The box as [h0, w0, h1, w1] in [0, 1].</summary>
    public IReadOnlyList<double> Box { get; init; } = [0.25, 0.25, 0.75, 0.75];

    /// <summary>Range of the crop area as a fraction of the image.</summary>
    public IReadOnlyList<double> Scale { get; init; } = [0.2, 1.0];

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Box.Count != 4 || Box.Any(v => v < 0 || v > 1) || Box[0] >= Box[2] || Box[1] >= Box[3])
            yield return new OptionError("box", "must be [h0, w0, h1, w1] with 0 <= h0 < h1 <= 1 and 0 <= w0 < w1 <= 1");
        if (Scale.Count != 2 || Scale[0] <= 0 || Scale[0] > Scale[1] || Scale[1] > 1)
            yield return new OptionError("scale", "must be [min, max] with 0 < min <= max <= 1");
    }
}
