using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Plugins.Datasets;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Datasets;

/// <summary>ImageFolder, Tiny-ImageNet and objects-on-clutter folders written file by file.</summary>
[TestFixture]
public sealed class ImageFolderTests
{
    private static byte[] Pattern(int height, int width, int seed) =>
        Enumerable.Range(0, height * width * 3).Select(i => (byte)(i * 31 + seed * 17)).ToArray();

    private static void WritePng(string path, int height, int width, int seed)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, TinyPng.Encode(height, width, Pattern(height, width, seed)));
    }

    [TestCase("memory")]
    [TestCase("stream")]
    public void Png_files_in_class_folders_read_back_bit_exactly_in_sorted_order(string cache)
    {
        var root = TestFolders.NewTemp("imagefolder");
        WritePng(Path.Combine(root, "train", "zebra", "b.png"), 5, 7, 1);
        WritePng(Path.Combine(root, "train", "zebra", "a.png"), 3, 4, 2);
        WritePng(Path.Combine(root, "train", "ant", "nested", "c.PNG"), 6, 2, 3);
        File.WriteAllText(Path.Combine(root, "train", "ant", "notes.txt"), "not an image");

        var source = new ImageFolder(new ImageFolderOptions { Root = root, Cache = cache });
        using var train = source.Open("train");
        Assert.That(train.Classes, Is.EqualTo(new[] { "ant", "zebra" }));
        Assert.That(train.Count, Is.EqualTo(3));
        Assert.That(((FileImageDataset)train).Cached, Is.EqualTo(cache == "memory"));
        // Order: ant/nested/c.PNG, zebra/a.png, zebra/b.png.
        var expected = new[] { (6, 2, 3, 0), (3, 4, 2, 1), (5, 7, 1, 1) };
        for (int i = 0; i < 3; i++)
        {
            var (h, w, seed, label) = expected[i];
            var item = train.Get(i);
            Assert.That((item.Image.Height, item.Image.Width, item.Label), Is.EqualTo((h, w, label)));
            Assert.That(item.Image.Pixels, Is.EqualTo(Pattern(h, w, seed)));
        }
        Assert.That(train.ObjectBoxes, Is.Null);
    }

    [Test]
    public void Jpeg_files_decode_close_to_what_was_encoded()
    {
        var root = TestFolders.NewTemp("imagefolder-jpeg");
        // A smooth gradient survives JPEG at quality 100 within a few levels.
        var pixels = new byte[16 * 16 * 3];
        for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
        for (int c = 0; c < 3; c++)
            pixels[(y * 16 + x) * 3 + c] = (byte)(20 + 6 * x + 4 * y + 20 * c); // at most 210: no wrap-around
        foreach (var split in new[] { "train", "val" })
        {
            Directory.CreateDirectory(Path.Combine(root, split, "cls"));
            File.WriteAllBytes(Path.Combine(root, split, "cls", "x.jpg"), ImageCodec.EncodeJpeg(new RgbImage(16, 16, pixels), 100));
        }
        using var val = new ImageFolder(new ImageFolderOptions { Root = root }).Open("test");
        var decoded = val.Get(0).Image.Pixels;
        Assert.That(decoded.Zip(pixels, (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(4));
    }

    [Test]
    public void Missing_folders_and_corrupt_images_name_the_path()
    {
        var root = TestFolders.NewTemp("imagefolder-bad");
        var source = new ImageFolder(new ImageFolderOptions { Root = root, Cache = "stream" });
        var missing = Assert.Throws<DatasetException>(() => source.Open("train"))!;
        Assert.That(missing.Message, Does.Contain($"Image folder '{Path.Combine(root, "train")}' does not exist. Expected layout: <root>/train/<class>/"));

        Directory.CreateDirectory(Path.Combine(root, "train", "cls"));
        var bad = Path.Combine(root, "train", "cls", "broken.png");
        File.WriteAllBytes(bad, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        using var train = source.Open("train");
        var corrupt = Assert.Throws<DatasetException>(() => train.Get(0))!;
        Assert.That(corrupt.Message, Does.Contain(bad));
    }

    [Test]
    public void Tiny_imagenet_val_images_take_labels_and_boxes_from_val_annotations()
    {
        var root = TestFolders.NewTemp("tiny");
        WritePng(Path.Combine(root, "train", "n02", "images", "n02_0.JPEG"), 4, 4, 1);
        WritePng(Path.Combine(root, "train", "n01", "images", "n01_0.JPEG"), 4, 4, 2);
        File.WriteAllText(Path.Combine(root, "train", "n01", "n01_boxes.txt"), "n01_0.JPEG\t0\t16\t31\t63\n");
        WritePng(Path.Combine(root, "val", "images", "val_0.JPEG"), 4, 4, 3);
        WritePng(Path.Combine(root, "val", "images", "val_1.JPEG"), 4, 4, 4);
        File.WriteAllText(Path.Combine(root, "val", "val_annotations.txt"), "val_0.JPEG\tn02\t0\t32\t44\t62\nval_1.JPEG\tn01\t8\t8\t55\t55\n");

        var source = new TinyImageNet(new TinyImageNetOptions { Root = root });
        using var train = source.Open("train");
        Assert.That(train.Classes, Is.EqualTo(new[] { "n01", "n02" }));
        // x0 0, y0 16, x1 31, y1 63 (inclusive pixels on 64×64) → rows 16/64 .. 64/64, columns 0 .. 32/64.
        Assert.That(train.ObjectBoxes![0], Is.EqualTo(new NormalizedBox(0.25f, 0f, 1f, 0.5f)));
        Assert.That(train.ObjectBoxes![1], Is.EqualTo(NormalizedBox.Whole), "images without a box line get the whole image");
        using var val = source.Open("test");
        Assert.That(new[] { val.Get(0).Label, val.Get(1).Label }, Is.EqualTo(new[] { 1, 0 }));
        Assert.That(val.Get(1).Image.Pixels, Is.EqualTo(Pattern(4, 4, 4)));
        // val_0: x0 0, y0 32, x1 44, y1 62 → rows 0.5 .. 63/64, columns 0 .. 45/64.
        Assert.That(val.ObjectBoxes![0], Is.EqualTo(new NormalizedBox(0.5f, 0f, 63f / 64, 45f / 64)));
    }

    [Test]
    public void Tiny_imagenet_annotations_naming_an_unknown_class_are_reported_with_the_line()
    {
        var root = TestFolders.NewTemp("tiny-bad");
        WritePng(Path.Combine(root, "train", "n01", "images", "a.JPEG"), 2, 2, 1);
        WritePng(Path.Combine(root, "val", "images", "val_0.JPEG"), 2, 2, 1);
        File.WriteAllText(Path.Combine(root, "val", "val_annotations.txt"), "val_0.JPEG\tn99\t0\t0\t1\t1\n");
        var error = Assert.Throws<DatasetException>(() => new TinyImageNet(new TinyImageNetOptions { Root = root }).Open("test"))!;
        Assert.That(error.Message, Does.Contain("val_annotations.txt:1: class 'n99' has no folder"));
    }

    [Test]
    public void Objects_on_clutter_is_deterministic_and_reads_back_with_its_true_boxes()
    {
        var a = TestFolders.NewTemp("ooc-a");
        var b = TestFolders.NewTemp("ooc-b");
        var settings = new ObjectsOnClutterGenerator.Settings(TrainCount: 12, TestCount: 3, ImageSize: 32, Seed: 5, FashionMnistRoot: null);
        ObjectsOnClutterGenerator.Generate(a, settings);
        ObjectsOnClutterGenerator.Generate(b, settings);
        var files = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order().ToList();
        Assert.That(files, Has.Count.EqualTo(12 + 3 + 1));
        foreach (var f in files) Assert.That(File.ReadAllBytes(Path.Combine(b, f)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a, f))), f);

        using var train = new ObjectsOnClutter(new ObjectsOnClutterOptions { Root = a }).Open("train");
        Assert.That(train.Count, Is.EqualTo(12));
        Assert.That(train.Classes, Is.EqualTo(Clutter.ShapeNames.Order(StringComparer.Ordinal)));
        foreach (var box in train.ObjectBoxes!)
        {
            // Objects are 20-60% of the side; shapes fill most of their square (bars fill one axis).
            Assert.That(Math.Max(box.H1 - box.H0, box.W1 - box.W0), Is.InRange(0.15f, 0.61f));
            Assert.That(box.H0 >= 0 && box.W0 >= 0 && box.H1 <= 1 && box.W1 <= 1, box.ToString());
        }
    }

    [Test]
    public void Objects_on_clutter_without_its_boxes_file_says_how_to_generate_it()
    {
        var root = TestFolders.NewTemp("ooc-missing");
        var error = Assert.Throws<DatasetException>(() => new ObjectsOnClutter(new ObjectsOnClutterOptions { Root = root }).Open("train"))!;
        Assert.That(error.Message, Does.Contain("boxes.tsv").And.Contain("ccrop data generate objects-on-clutter --out"));
    }
}
