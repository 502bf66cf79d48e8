namespace ContrastiveCrop.Imaging;

/// <summary>Per-channel mean and standard deviation applied to [0, 1] RGB values.</summary>
/// <param name="Mean">R, G, B means.</param>
/// <param name="Std">R, G, B standard deviations.</param>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>torchvision's ImageNet statistics, used by the official configs for every data set.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
}
