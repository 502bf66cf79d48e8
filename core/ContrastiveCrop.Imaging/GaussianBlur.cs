namespace ContrastiveCrop.Imaging;

/// <summary>
/// torchvision's Gaussian blur on CHW float images: a separable kernel of odd size k with taps at
/// −(k−1)/2 … (k−1)/2, weights exp(−x²/2σ²) normalised to sum 1, reflect padding at the borders.
/// </summary>
public static class GaussianBlur
{
    /// <summary>The 1-D kernel (length <paramref name="size"/>, odd) for <paramref name="sigma"/> &gt; 0; sums to 1.</summary>
    public static float[] Kernel(int size, double sigma)
    {
        if (size < 1 || size % 2 == 0) throw new ArgumentOutOfRangeException(nameof(size), size, "Kernel size must be odd and positive.");
        if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "Sigma must be positive.");
        var weights = new double[size];
        double half = (size - 1) * 0.5, sum = 0;
        for (int i = 0; i < size; i++)
        {
            double x = (i - half) / sigma;
            weights[i] = Math.Exp(-0.5 * x * x);
            sum += weights[i];
        }
        return weights.Select(w => (float)(w / sum)).ToArray();
    }

    /// <summary>The kernel size the SimCLR and BYOL papers use: 10% of the image side, made odd (23 at 224 px), at least 3.</summary>
    public static int KernelSizeFor(int side)
    {
        int k = (int)Math.Round(side * 0.1);
        if (k % 2 == 0) k++;
        return Math.Max(3, k);
    }

    /// <summary>Blurs a (3, height, width) buffer in place.</summary>
    public static void Apply(Span<float> chw, int height, int width, int kernelSize, double sigma)
    {
        var kernel = Kernel(kernelSize, sigma);
        int radius = kernelSize / 2;
        if (radius >= height || radius >= width)
            throw new ArgumentException($"A {kernelSize}-tap kernel needs reflect padding of {radius}, more than the {height}×{width} image allows.");
        int plane = height * width;
        var padded = System.Buffers.ArrayPool<float>.Shared.Rent(width + 2 * radius);
        var rowPass = System.Buffers.ArrayPool<float>.Shared.Rent(plane);
        try
        {
            for (int c = 0; c < 3; c++)
            {
                var channel = chw.Slice(c * plane, plane);
                for (int y = 0; y < height; y++)
                {
                    Pad(channel.Slice(y * width, width), padded, radius);
                    var output = rowPass.AsSpan(y * width, width);
                    for (int x = 0; x < width; x++)
                    {
                        float sum = 0;
                        for (int t = 0; t < kernel.Length; t++) sum += kernel[t] * padded[x + t];
                        output[x] = sum;
                    }
                }
                // Columns as whole-row accumulations (cache-friendly, vectorisable).
                for (int y = 0; y < height; y++)
                {
                    var output = channel.Slice(y * width, width);
                    output.Clear();
                    for (int t = 0; t < kernel.Length; t++)
                    {
                        var source = rowPass.AsSpan(Reflect(y + t - radius, height) * width, width);
                        AddScaled(source, kernel[t], output);
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(padded);
            System.Buffers.ArrayPool<float>.Shared.Return(rowPass);
        }
    }

    /// <summary>output += weight · source, a vector at a time.</summary>
    private static void AddScaled(ReadOnlySpan<float> source, float weight, Span<float> output)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var w = new System.Numerics.Vector<float>(weight);
            var sourceVectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(source);
            var outputVectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(output);
            for (int v = 0; v < sourceVectors.Length; v++) outputVectors[v] += sourceVectors[v] * w;
            i = sourceVectors.Length * System.Numerics.Vector<float>.Count;
        }
        for (; i < output.Length; i++) output[i] += source[i] * weight;
    }

    /// <summary>PyTorch "reflect" padding index: the edge value is not repeated.</summary>
    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;

    /// <summary>Copies <paramref name="source"/> into <paramref name="padded"/> with <paramref name="radius"/> reflected values each side (PyTorch "reflect": the edge value is not repeated).</summary>
    private static void Pad(ReadOnlySpan<float> source, float[] padded, int radius)
    {
        int n = source.Length;
        source.CopyTo(padded.AsSpan(radius, n));
        for (int i = 1; i <= radius; i++)
        {
            padded[radius - i] = source[i];
            padded[radius + n - 1 + i] = source[n - 1 - i];
        }
    }
}
