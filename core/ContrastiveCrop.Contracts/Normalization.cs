namespace ContrastiveCrop.Contracts;

/// <summary>
/// Per-channel mean and standard deviation applied to [0, 1] RGB values (torchvision's Normalize). A
/// backbone is trained on inputs normalised one way; every later use of it (box updates, evaluation,
/// detection) must normalise the same way, so the run carries one (<see cref="IRunContext.InputNormalization"/>).
/// </summary>
/// <param name="Mean">R, G, B means.</param>
/// <param name="Std">R, G, B standard deviations.</param>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>torchvision's ImageNet statistics, used by the official configs for ImageNet-sized data.</summary>
    public static Normalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Replaces each value x of channel c in a CHW buffer by (x − mean[c]) / std[c].</summary>
    /// <param name="chw">Three planes of <paramref name="plane"/> values each.</param>
    /// <param name="plane">Pixels per channel.</param>
    public void Apply(Span<float> chw, int plane)
    {
        for (int c = 0; c < 3; c++)
        {
            var values = chw.Slice(c * plane, plane);
            float mean = Mean[c], std = Std[c];
            for (int i = 0; i < values.Length; i++) values[i] = (values[i] - mean) / std;
        }
    }
}
