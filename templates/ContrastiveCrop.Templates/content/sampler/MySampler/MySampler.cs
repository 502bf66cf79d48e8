using ContrastiveCrop.Contracts;

namespace MySampler;

/// <summary>
/// Square crops whose area is a uniform fraction of the image in [<see cref="MySamplerOptions.Scale"/>], placed
/// uniformly wherever they fit. Replace the body of <see cref="Sample"/> with your own rule.
/// </summary>
/// <remarks>
/// The contracts ask two things of every sampler: <see cref="Sample"/> may be called from several threads at once
/// (keep no mutable state, or guard it), and all randomness comes from the <c>random</c> argument, which the host
/// seeds from (seed, epoch, image, view) so runs are reproducible whatever the thread count.
/// </remarks>
[Plugin("my-sampler", Description = "Square crops of a random area fraction, placed uniformly.")]
public sealed class MySampler(MySamplerOptions options) : ICropSampler
{
    /// <inheritdoc />
    public CropBox Sample(in CropRequest request, Random random)
    {
        // request also carries Epoch (for schedules), Scale (a view's own area range, e.g. multi-crop) and
        // Pixels (the image, row-major RGB, read-only) for content-aware samplers.
        double min = request.Scale?.Min ?? options.Scale[0], max = request.Scale?.Max ?? options.Scale[1];
        double area = request.Height * request.Width * (min + (max - min) * random.NextDouble());
        int side = Math.Clamp((int)Math.Round(Math.Sqrt(area)), 1, Math.Min(request.Height, request.Width));
        int top = random.Next(request.Height - side + 1);
        int left = random.Next(request.Width - side + 1);
        return new CropBox(top, left, side, side);
    }
}

/// <summary>
/// Options of <see cref="MySampler"/>, bound from the recipe section that selects it: snake_case keys map to these
/// PascalCase init properties (<c>scale: [0.2, 1.0]</c> → <see cref="Scale"/>); unknown keys and invalid values stop
/// the run before it starts, with the recipe's file:line:column.
/// </summary>
public sealed record MySamplerOptions : IValidatableOptions
{
    /// <summary>Range of the crop area as a fraction of the image area, [min, max].</summary>
    public IReadOnlyList<double> Scale { get; init; } = [0.2, 1.0];

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Scale.Count != 2 || !(Scale[0] > 0) || !(Scale[0] <= Scale[1]) || !(Scale[1] <= 1))
            yield return new OptionError("scale", "must be [min, max] with 0 < min <= max <= 1");
    }
}
