using NUnit.Framework;
using ContrastiveCrop.Plugins.Backbones;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>A small, seeded setting for method tests: ResNet-18 at width 0.125 on 16-pixel images.</summary>
internal static class TinyProblem
{
    public const int ImageSize = 16;

    public static ResNet Backbone() => new(new ResNetOptions(18, WidthMultiplier: 0.125, SmallDataStem: true));

    /// <summary>Two views of <paramref name="count"/> random images: each image plus its own small noise.</summary>
    public static Tensor[] Views(int count, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var images = randn([count, 3, ImageSize, ImageSize], generator: generator);
        return [images + 0.1 * randn([count, 3, ImageSize, ImageSize], generator: generator),
                images + 0.1 * randn([count, 3, ImageSize, ImageSize], generator: generator)];
    }
}
