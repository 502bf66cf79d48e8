using ContrastiveCrop.Data;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary>Two 64×64 images, each with one bright square object (class 0 or 1) on a dark background, with box and polygon mask.</summary>
internal static class ToyDetectionBatch
{
    public static (ImageList Images, IReadOnlyList<InstanceTargets> Targets) Create()
    {
        var images = zeros(2, 3, 64, 64);
        var boxes = new[] { new float[] { 8, 12, 40, 44 }, new float[] { 20, 16, 60, 48 } };
        var targets = new List<InstanceTargets>();
        for (int i = 0; i < 2; i++)
        {
            var b = boxes[i];
            images[i, .., (int)b[1]..(int)b[3], (int)b[0]..(int)b[2]] = tensor(i == 0 ? 2.0f : -2.0f);
            var polygon = new double[] { b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3] };
            targets.Add(new InstanceTargets(tensor(b, [1, 4]), tensor(new long[] { i }), [new InstanceMask([polygon], null)]));
        }
        return (new ImageList(images, [(64, 64), (64, 64)]), targets);
    }

    /// <summary>A small ResNet-50-C4 (width 1/16) with two classes and reduced proposal counts, fast enough for unit tests.</summary>
    public static RcnnArchitecture TinyArchitecture(bool masks) => new(50, 1.0 / 16, 2, masks)
    {
        Rpn = new RpnSettings { PreNmsTopKTrain = 200, PostNmsTopKTrain = 50, PreNmsTopKTest = 200, PostNmsTopKTest = 50 },
        RoiHeads = new RoiHeadSettings { BatchSizePerImage = 64 },
    };

    /// <summary>
    /// A generated shapes detection set of <paramref name="trainCount"/>/<paramref name="testCount"/> 48-px images of two
    /// classes (seed 3) in a new temporary folder named after <paramref name="name"/>, read as its VOC splits.
    /// </summary>
    public static (DetectionSplit Train, DetectionSplit Test) GeneratedSplits(string name, int trainCount = 4, int testCount = 1)
    {
        var folder = TestFolders.NewTemp(name);
        var classes = DetectionSetGenerator.Generate(folder, new DetectionSetGenerator.Settings(trainCount, testCount, 48, Seed: 3, Classes: 2));
        var devkit = Path.Combine(folder, "VOCdevkit");
        return (DetectionSplit.FromVoc(devkit, ["2007/trainval"], classes), DetectionSplit.FromVoc(devkit, ["2007/test"], classes));
    }
}
