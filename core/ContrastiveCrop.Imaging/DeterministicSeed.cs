namespace ContrastiveCrop.Imaging;

/// <summary>
/// Combines integers into a seed that is the same in every process and on every machine
/// (unlike <see cref="HashCode"/>, which is randomised per process), so generated data and
/// per-sample augmentations reproduce exactly.
/// </summary>
public static class DeterministicSeed
{
    /// <summary>A well-mixed non-negative 32-bit seed for <c>new Random(seed)</c>.</summary>
    public static int Combine(long a, long b = 0, long c = 0, long d = 0)
    {
        ulong x = Mix((ulong)a);
        x = Mix(x ^ (ulong)b * 0x9E3779B97F4A7C15UL);
        x = Mix(x ^ (ulong)c * 0xC2B2AE3D27D4EB4FUL);
        x = Mix(x ^ (ulong)d * 0x165667B19E3779F9UL);
        return (int)(x & 0x7FFFFFFF);
    }

    /// <summary>SplitMix64's finaliser.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
