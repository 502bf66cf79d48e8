namespace ContrastiveCrop.Imaging;

/// <summary>Mirrors a CHW float image left to right, in place.</summary>
/// <remarks>The view loader folds the flip into the resize instead (same result, one pass less).</remarks>
public static class HorizontalFlip
{
    /// <summary>Reverses every row of every channel of a (3, height, width) buffer.</summary>
    public static void Apply(Span<float> chw, int height, int width)
    {
        if (chw.Length != 3 * height * width)
            throw new ArgumentException($"Buffer holds {chw.Length} floats; a 3×{height}×{width} image needs {3 * height * width}.");
        for (int row = 0; row < 3 * height; row++) chw.Slice(row * width, width).Reverse();
    }
}
