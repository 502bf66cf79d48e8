using ContrastiveCrop.Contracts;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace MyTask.Tests;

[TestFixture]
public sealed class MyTaskTests
{
    /// <summary>A "backbone" whose feature is an image's mean colour (after the run's normalisation).</summary>
    private sealed class MeanColour : IBackbone
    {
        public nn.Module<Tensor, Tensor> Network { get; } = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten());
        public int FeatureDim => 3;
        public Tensor FeatureMap(Tensor images) => images.clone();
        public Tensor Pool(Tensor featureMap) => featureMap.mean([2, 3]);
        public IBackbone Copy() => throw new NotSupportedException();
    }

    /// <summary>Solid 8×8 images: class c is pure red, green or blue; <paramref name="labelOf"/> may mislabel them.</summary>
    private sealed class SolidColours(string name, int perClass, Func<int, int> labelOf) : IImageDataset, IDatasetProvider
    {
        public string Name => name;
        public int Count => 3 * perClass;
        public IReadOnlyList<string> Classes => ["red", "green", "blue"];
        public LabeledImage Get(int index)
        {
            int colour = index % 3;
            var pixels = new byte[8 * 8 * 3];
            for (int p = 0; p < 64; p++) pixels[p * 3 + colour] = (byte)(200 + index % 50);
            return new LabeledImage(new RgbImage(8, 8, pixels), labelOf(colour));
        }
        public IImageDataset Open(string split) => split == "train" ? new SolidColours("train", perClass, c => c) : this;
        public void Dispose() { }
    }

    private sealed class Run : IRunContext
    {
        public List<string> Lines { get; } = [];
        public string RunDirectory => Path.GetTempPath();
        public Device Device => CPU;
        public long Seed => 0;
        public CancellationToken Cancellation => CancellationToken.None;
        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) { }
        public void Log(string message) => Lines.Add(message);
    }

    private static double Top1(Func<int, int> testLabelOf)
    {
        var data = new SolidColours("test", 5, testLabelOf);
        var result = new MyTask(new MyTaskOptions { BatchSize = 4, ImageSize = 8 }).Run(new DownstreamContext(new MeanColour(), new Run(), data, null));
        return result.Metrics["top1"];
    }

    [Test]
    public void Colours_that_are_their_own_classes_are_all_classified_correctly() =>
        Assert.That(Top1(colour => colour), Is.EqualTo(100.0));

    [Test]
    public void A_test_set_with_every_label_rotated_scores_zero() =>
        Assert.That(Top1(colour => (colour + 1) % 3), Is.EqualTo(0.0));

    [Test]
    public void A_test_set_with_one_class_mislabelled_scores_two_thirds() =>
        Assert.That(Top1(colour => colour == 2 ? 0 : colour), Is.EqualTo(200.0 / 3).Within(1e-9));

    [Test]
    public void Invalid_options_are_reported_under_their_recipe_keys() =>
        Assert.That(new MyTaskOptions { BatchSize = 0, TestSplit = "" }.Validate().Select(e => e.Key), Is.EqualTo(new[] { "batch_size", "test_split" }));
}
