namespace ContrastiveCrop.Imaging;

/// <summary>
/// torchvision's ColorJitter: brightness, contrast and saturation factors drawn uniformly from
/// [max(0, 1 − x), 1 + x], a hue shift from [−hue, hue], applied in a random order of the four.
/// </summary>
/// <param name="Brightness">Brightness strength (0 disables).</param>
/// <param name="Contrast">Contrast strength (0 disables).</param>
/// <param name="Saturation">Saturation strength (0 disables).</param>
/// <param name="Hue">Hue strength in turns, at most 0.5 (0 disables).</param>
public sealed record ColorJitter(float Brightness, float Contrast, float Saturation, float Hue)
{
    /// <summary>Draws the order and the factors from <paramref name="random"/>, then adjusts the CHW image in place.</summary>
    public void Apply(Span<float> chw, int plane, Random random)
    {
        // Same draw order as torchvision's get_params: permutation, then the four factors.
        Span<int> order = [0, 1, 2, 3];
        random.Shuffle(order);
        float b = Factor(Brightness, random), c = Factor(Contrast, random), s = Factor(Saturation, random);
        float h = Hue > 0 ? (float)(-Hue + 2 * Hue * random.NextDouble()) : 0f;
        foreach (int op in order)
        {
            switch (op)
            {
                case 0 when Brightness > 0: ColorAdjust.Brightness(chw, b); break;
                case 1 when Contrast > 0: ColorAdjust.Contrast(chw, plane, c); break;
                case 2 when Saturation > 0: ColorAdjust.Saturation(chw, plane, s); break;
                case 3 when Hue > 0: ColorAdjust.Hue(chw, plane, h); break;
            }
        }
    }

    private static float Factor(float strength, Random random) =>
        strength > 0 ? (float)(Math.Max(0, 1 - strength) + (1 + strength - Math.Max(0, 1 - strength)) * random.NextDouble()) : 1f;

    /// <summary>Checks the strengths: non-negative, hue at most 0.5.</summary>
    public IEnumerable<string> Problems()
    {
        if (Brightness < 0 || Contrast < 0 || Saturation < 0) yield return "brightness, contrast and saturation must be non-negative";
        if (Hue is < 0 or > 0.5f) yield return "hue must be in [0, 0.5]";
    }
}
