namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Derives the seed of one sample's randomness from (run seed, epoch, image index, view), so the
/// augmentations of a sample do not depend on thread count or scheduling.
/// </summary>
public static class SampleSeeds
{
    /// <summary>A well-mixed 32-bit seed for <c>new Random(seed)</c>.</summary>
    public static int For(long runSeed, int epoch, int index, int view)
    {
        ulong x = (ulong)runSeed;
        x = Mix(x ^ (ulong)(uint)epoch * 0x9E3779B97F4A7C15UL);
        x = Mix(x ^ (ulong)(uint)index * 0xC2B2AE3D27D4EB4FUL);
        x = Mix(x ^ (ulong)(uint)view * 0x165667B19E3779F9UL);
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
