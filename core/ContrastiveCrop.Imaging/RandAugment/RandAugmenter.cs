using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Imaging.RandAugment;

/// <summary>
/// RandAugment: <c>n</c> operations drawn uniformly (with replacement) from the fourteen, each at
/// magnitude <c>m</c> on a 0–10 scale, with a random sign for the signed ones. CLSA's strong view
/// uses n = 5, m = 10.
/// </summary>
public sealed class RandAugmenter
{
    /// <summary>The largest magnitude; ranges below are reached at this value.</summary>
    public const double MaxMagnitude = 10;

    private readonly int _count;
    private readonly double _magnitude;

    /// <summary>Creates the augmenter; <paramref name="count"/> ≥ 0 ops of <paramref name="magnitude"/> in [0, 10].</summary>
    public RandAugmenter(int count, double magnitude)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (magnitude is < 0 or > MaxMagnitude) throw new ArgumentOutOfRangeException(nameof(magnitude), magnitude, "magnitude must be in [0, 10]");
        (_count, _magnitude) = (count, magnitude);
    }

    /// <summary>Applies <c>n</c> random operations to <paramref name="image"/>.</summary>
    public RgbImage Apply(RgbImage image, Random random)
    {
        var ops = Enum.GetValues<RandAugmentOp>();
        for (int i = 0; i < _count; i++)
            image = Apply(image, ops[random.Next(ops.Length)], _magnitude, random.NextDouble() < 0.5 ? -1 : 1);
        return image;
    }

    /// <summary>Applies one operation at <paramref name="magnitude"/> with <paramref name="sign"/> (±1) for signed ones.</summary>
    public static RgbImage Apply(RgbImage image, RandAugmentOp op, double magnitude, int sign)
    {
        double level = magnitude / MaxMagnitude;
        double factor = 1 + sign * 0.9 * level;
        return op switch
        {
            RandAugmentOp.Identity => image,
            RandAugmentOp.AutoContrast => LookupOps.AutoContrast(image),
            RandAugmentOp.Equalize => LookupOps.Equalize(image),
            RandAugmentOp.Rotate => GeometryOps.Rotate(image, sign * 30 * level),
            RandAugmentOp.Solarize => LookupOps.Solarize(image, (int)(256 - 256 * level)),
            RandAugmentOp.Color => EnhanceOps.Color(image, factor),
            RandAugmentOp.Posterize => LookupOps.Posterize(image, 8 - (int)(4 * level)),
            RandAugmentOp.Contrast => EnhanceOps.Contrast(image, factor),
            RandAugmentOp.Brightness => EnhanceOps.Brightness(image, factor),
            RandAugmentOp.Sharpness => EnhanceOps.Sharpness(image, factor),
            RandAugmentOp.ShearX => GeometryOps.ShearX(image, sign * 0.3 * level),
            RandAugmentOp.ShearY => GeometryOps.ShearY(image, sign * 0.3 * level),
            RandAugmentOp.TranslateX => GeometryOps.TranslateX(image, sign * 0.45 * level * image.Width),
            RandAugmentOp.TranslateY => GeometryOps.TranslateY(image, sign * 0.45 * level * image.Height),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
        };
    }
}
