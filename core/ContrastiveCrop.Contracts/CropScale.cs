namespace ContrastiveCrop.Contracts;

/// <summary>
/// An area range of a random resized crop, as fractions of the image area (e.g. SwAV's small
/// multi-crop views use 0.05–0.14). Added in contracts 1.1.
/// </summary>
/// <param name="Min">Smallest crop area as a fraction of the image area, in (0, 1].</param>
/// <param name="Max">Largest crop area as a fraction of the image area, in [Min, 1].</param>
public readonly record struct CropScale(double Min, double Max);
