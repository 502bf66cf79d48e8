namespace ContrastiveCrop.Imaging.RandAugment;

/// <summary>The fourteen operations RandAugment (Cubuk et al., 2020) draws from.</summary>
public enum RandAugmentOp
{
    /// <summary>No change.</summary>
    Identity,
    /// <summary>Stretch each channel to the full range.</summary>
    AutoContrast,
    /// <summary>Histogram equalisation per channel.</summary>
    Equalize,
    /// <summary>Rotation by up to ±30°.</summary>
    Rotate,
    /// <summary>Invert values above a threshold that falls to 0 at full magnitude.</summary>
    Solarize,
    /// <summary>Saturation factor 1 ± 0.9.</summary>
    Color,
    /// <summary>Keep 8 down to 4 bits.</summary>
    Posterize,
    /// <summary>Contrast factor 1 ± 0.9.</summary>
    Contrast,
    /// <summary>Brightness factor 1 ± 0.9.</summary>
    Brightness,
    /// <summary>Sharpness factor 1 ± 0.9.</summary>
    Sharpness,
    /// <summary>Horizontal shear up to ±0.3.</summary>
    ShearX,
    /// <summary>Vertical shear up to ±0.3.</summary>
    ShearY,
    /// <summary>Horizontal shift up to ±45% of the width.</summary>
    TranslateX,
    /// <summary>Vertical shift up to ±45% of the height.</summary>
    TranslateY,
}
