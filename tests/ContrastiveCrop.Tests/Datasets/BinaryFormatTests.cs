using System.IO.Compression;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Datasets;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Datasets;

/// <summary>CIFAR-10/100, STL-10 and Fashion-MNIST read from tiny files written byte by byte in their formats.</summary>
[TestFixture]
public sealed class BinaryFormatTests
{
    /// <summary>A distinct byte for every (image, channel, row, column), so any mix-up of axes shows.</summary>
    private static byte Value(int image, int c, int y, int x) => (byte)(image * 53 + c * 101 + y * 7 + x * 3);

    private static byte[] CifarRecord(int image, params byte[] labels)
    {
        var record = new List<byte>(labels);
        for (int c = 0; c < 3; c++)
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
            record.Add(Value(image, c, y, x)); // planes R, G, B; each row-major
        return record.ToArray();
    }

    private static void AssertPixels(RgbImage image, int index, int side)
    {
        Assert.That(image.Height, Is.EqualTo(side));
        Assert.That(image.Width, Is.EqualTo(side));
        for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
        for (int c = 0; c < 3; c++)
            if (image.Pixels[(y * side + x) * 3 + c] != Value(index, c, y, x))
                Assert.Fail($"pixel (y {y}, x {x}, c {c}) of image {index} is {image.Pixels[(y * side + x) * 3 + c]}, expected {Value(index, c, y, x)}");
    }

    [Test]
    public void Cifar10_records_read_back_bit_exactly_with_labels_and_meta_class_names()
    {
        var root = TestFolders.NewTemp("cifar10");
        var folder = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
        for (int b = 1; b <= 5; b++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), CifarRecord(b, (byte)(b + 2)));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), [.. CifarRecord(7, 9), .. CifarRecord(8, 0)]);
        File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"), ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", ""]);

        var source = new Cifar10(new CifarOptions { Root = root });
        using var train = source.Open("train");
        using var test = source.Open("test");
        Assert.That(train.Count, Is.EqualTo(5));
        Assert.That(Enumerable.Range(0, 5).Select(i => train.Get(i).Label), Is.EqualTo(new[] { 3, 4, 5, 6, 7 }));
        for (int i = 0; i < 5; i++) AssertPixels(train.Get(i).Image, i + 1, 32);
        Assert.That(test.Get(0).Label, Is.EqualTo(9));
        AssertPixels(test.Get(1).Image, 8, 32);
        Assert.That(train.Classes, Is.EqualTo(new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j" }));
    }

    [Test]
    public void Cifar10_missing_batch_names_the_file_and_the_layout()
    {
        var root = TestFolders.NewTemp("cifar10-missing");
        var error = Assert.Throws<DatasetException>(() => new Cifar10(new CifarOptions { Root = root }).Open("train"))!;
        Assert.That(error.Message, Does.Contain(Path.Combine(root, "cifar-10-batches-bin", "data_batch_1.bin")));
        Assert.That(error.Message, Does.Contain("Expected layout: <root>/cifar-10-batches-bin/data_batch_1.bin"));
    }

    [Test]
    public void A_truncated_cifar_file_is_reported_with_its_size()
    {
        var root = TestFolders.NewTemp("cifar10-truncated");
        var folder = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), CifarRecord(0, 1)[..3000]);
        var error = Assert.Throws<DatasetException>(() => new Cifar10(new CifarOptions { Root = root }).Open("test"))!;
        Assert.That(error.Message, Does.Contain("test_batch.bin' holds 3000 bytes, not a whole number of 3073-byte records"));
    }

    [TestCase("fine", 42)]
    [TestCase("coarse", 17)]
    public void Cifar100_takes_the_fine_or_coarse_label_byte(string labels, int expected)
    {
        var root = TestFolders.NewTemp("cifar100");
        var folder = Directory.CreateDirectory(Path.Combine(root, "cifar-100-binary")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), CifarRecord(4, 17, 42)); // coarse 17, fine 42
        using var train = new Cifar100(new CifarOptions { Root = root, Labels = labels }).Open("train");
        Assert.That(train.Get(0).Label, Is.EqualTo(expected));
        AssertPixels(train.Get(0).Image, 4, 32);
        Assert.That(train.Classes, Has.Count.EqualTo(labels == "fine" ? 100 : 20));
    }

    private static byte[] StlImages(params int[] images)
    {
        var bytes = new List<byte>();
        foreach (int image in images)
            for (int c = 0; c < 3; c++)
            for (int x = 0; x < 96; x++) // column-major: x outer, y inner
            for (int y = 0; y < 96; y++)
                bytes.Add(Value(image, c, y, x));
        return bytes.ToArray();
    }

    [Test]
    public void Stl10_column_major_planes_and_one_based_labels_read_back_exactly()
    {
        var root = TestFolders.NewTemp("stl10");
        var folder = Directory.CreateDirectory(Path.Combine(root, "stl10_binary")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "train_X.bin"), StlImages(0, 1));
        File.WriteAllBytes(Path.Combine(folder, "train_y.bin"), [1, 10]);
        File.WriteAllBytes(Path.Combine(folder, "unlabeled_X.bin"), StlImages(5, 6, 7));

        var source = new Stl10(new Stl10Options { Root = root });
        using var train = source.Open("train");
        Assert.That(new[] { train.Get(0).Label, train.Get(1).Label }, Is.EqualTo(new[] { 0, 9 }));
        AssertPixels(train.Get(1).Image, 1, 96);
        using var unlabeled = source.Open("unlabeled");
        Assert.That(unlabeled.Count, Is.EqualTo(3));
        Assert.That(unlabeled.Get(2).Label, Is.EqualTo(-1));
        AssertPixels(unlabeled.Get(2).Image, 7, 96);
        using var both = new Stl10(new Stl10Options { Root = root, UnlabeledInTrain = true }).Open("train");
        Assert.That(both.Count, Is.EqualTo(5));
        AssertPixels(both.Get(3).Image, 6, 96);
    }

    [Test]
    public void Stl10_labels_that_do_not_match_the_images_are_reported()
    {
        var root = TestFolders.NewTemp("stl10-bad");
        File.WriteAllBytes(Path.Combine(root, "test_X.bin"), StlImages(0));
        File.WriteAllBytes(Path.Combine(root, "test_y.bin"), [1, 2]);
        var error = Assert.Throws<DatasetException>(() => new Stl10(new Stl10Options { Root = root }).Open("test"))!;
        Assert.That(error.Message, Does.Contain("test_y.bin' holds 2 labels but its images file holds 1 images"));
    }

    private static byte[] Idx(byte[] dims, byte[] data)
    {
        var header = new List<byte> { 0, 0, 0x08, (byte)(dims.Length / 4) };
        header.AddRange(dims);
        return [.. header, .. data];
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Fashion_mnist_idx_files_read_back_exactly_plain_or_gzipped(bool gzip)
    {
        var root = TestFolders.NewTemp("fmnist");
        // 2 images of 3 rows × 2 columns; big-endian dimensions.
        var pixels = new byte[] { 0, 10, 20, 30, 40, 50, 255, 1, 2, 3, 4, 5 };
        var images = Idx([0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2], pixels);
        var labels = Idx([0, 0, 0, 2], [7, 3]);
        void Write(string name, byte[] bytes)
        {
            if (!gzip)
            {
                File.WriteAllBytes(Path.Combine(root, name), bytes);
                return;
            }
            using var file = File.Create(Path.Combine(root, name + ".gz"));
            using var z = new GZipStream(file, CompressionLevel.Fastest);
            z.Write(bytes);
        }
        Write("t10k-images-idx3-ubyte", images);
        Write("t10k-labels-idx1-ubyte", labels);

        using var test = new FashionMnist(new FashionMnistOptions { Root = root }).Open("test");
        Assert.That(test.Count, Is.EqualTo(2));
        Assert.That(test.Get(1).Label, Is.EqualTo(3));
        var second = test.Get(1).Image;
        Assert.That((second.Height, second.Width), Is.EqualTo((3, 2)));
        // Grey replicated into R, G, B: pixel (row 2, column 1) of image 1 is byte 6 + 5 = 5.
        Assert.That(second.Pixels.AsSpan((2 * 2 + 1) * 3, 3).ToArray(), Is.EqualTo(new byte[] { 5, 5, 5 }));
        Assert.That(test.Get(0).Image.Pixels.Where((_, i) => i % 3 == 0), Is.EqualTo(pixels[..6]));
    }

    [Test]
    public void Fashion_mnist_with_a_wrong_magic_number_or_missing_files_is_reported()
    {
        var root = TestFolders.NewTemp("fmnist-bad");
        var missing = Assert.Throws<DatasetException>(() => new FashionMnist(new FashionMnistOptions { Root = root }).Open("train"))!;
        Assert.That(missing.Message, Does.Contain("train-images-idx3-ubyte.gz").And.Contain("apt-get install dataset-fashion-mnist"));
        File.WriteAllBytes(Path.Combine(root, "train-images-idx3-ubyte"), [0, 0, 0x0D, 3]);
        File.WriteAllBytes(Path.Combine(root, "train-labels-idx1-ubyte"), Idx([0, 0, 0, 0], []));
        var corrupt = Assert.Throws<DatasetException>(() => new FashionMnist(new FashionMnistOptions { Root = root }).Open("train"))!;
        Assert.That(corrupt.Message, Does.Contain("train-images-idx3-ubyte' is not an unsigned-byte IDX file"));
    }

    [Test]
    public void The_debian_fashion_mnist_package_is_found_by_default_when_installed()
    {
        if (!Data.FashionMnistFiles.Present(Data.FashionMnistFiles.DebianRoot))
            Assert.Ignore("dataset-fashion-mnist is not installed here.");
        using var test = new FashionMnist(new FashionMnistOptions()).Open("test");
        Assert.That(test.Count, Is.EqualTo(10000));
        Assert.That((test.Get(0).Image.Height, test.Get(0).Image.Width), Is.EqualTo((28, 28)));
    }
}
