using System.IO.Compression;
using ContrastiveCrop.Interop;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Interop;

/// <summary>
/// <see cref="PretrainedBackbone.ReadShapes"/> reads names, dtypes and shapes from a file's headers only; checked against
/// the full reader (<see cref="PretrainedBackbone.Read"/>, which builds every tensor) on the files PyTorch wrote.
/// </summary>
[TestFixture]
public sealed class ShapeReaderTests
{
    private static readonly string[] ReadableFixtures =
    [
        "torchvision-resnet18.pth", "moco-v2-resnet18.pth.tar", "simsiam-resnet18-cifar.pth.tar",
        "simclr-resnet18.pth.tar", "byol-resnet18.pth", "resnet50.safetensors",
    ];

    [TestCaseSource(nameof(ReadableFixtures))]
    public void Headers_give_the_names_dtypes_and_shapes_the_full_reader_builds(string fixture)
    {
        var path = InteropFixtures.File(fixture);
        using var full = PretrainedBackbone.Read(path);

        var shapes = PretrainedBackbone.ReadShapes(path);

        Assert.Multiple(() =>
        {
            Assert.That(shapes.Root, Is.EqualTo(full.Root));
            Assert.That(shapes.Tensors.Keys, Is.EquivalentTo(full.Tensors.Keys));
            foreach (var (name, tensor) in full.Tensors)
            {
                Assert.That(shapes.Tensors[name].Shape, Is.EqualTo(tensor.shape), name);
                Assert.That(shapes.Tensors[name].DType, Is.EqualTo(tensor.dtype), name);
            }
            Assert.That(shapes.Signature, Is.EqualTo(full.Signature).Using<ResNetSignature>((a, b) => a.Describe() == b.Describe()));
            Assert.That(shapes.Describe(), Is.EqualTo(full.Describe()));
        });
    }

    [TestCase("legacy-format.pth")]
    [TestCase("truncated.pth")]
    [TestCase("mobilenet-v3-small.pth")]
    [TestCase("whole-module.pth")]
    [TestCase("numpy-scalar.pth")]
    [TestCase("storage-view.pth")]
    public void A_file_the_full_reader_refuses_is_refused_from_its_headers_with_the_same_message(string fixture)
    {
        var path = InteropFixtures.File(fixture);
        var full = Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!;

        var headers = Assert.Throws<InteropException>(() => PretrainedBackbone.ReadShapes(path))!;

        Assert.That(headers.Message, Is.EqualTo(full.Message));
    }

    [Test]
    public void A_truncated_safetensors_file_is_refused_from_its_length_with_the_full_readers_message()
    {
        var path = Path.Combine(TestFolders.NewTemp("interop"), "cut.safetensors");
        var content = File.ReadAllBytes(InteropFixtures.File("resnet50.safetensors"));
        File.WriteAllBytes(path, content[..(content.Length - 100)]);

        var full = Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!;
        var headers = Assert.Throws<InteropException>(() => PretrainedBackbone.ReadShapes(path))!;

        Assert.That(headers.Message, Is.EqualTo(full.Message).And.Contain("truncated?"));
    }

    [Test]
    public void A_ccrop_checkpoint_is_not_a_PyTorch_file_for_either_reader()
    {
        var path = Path.Combine(TestFolders.NewTemp("interop"), "last.pt");
        File.WriteAllBytes(path, [.. "CCROPCK1"u8, .. new byte[64]]);

        var headers = Assert.Throws<InteropException>(() => PretrainedBackbone.ReadShapes(path))!;

        Assert.That(headers.Message, Is.EqualTo(Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!.Message)
            .And.Contain("is a ccrop checkpoint, not a PyTorch file"));
    }

    [Test]
    public void A_torch_zip_whose_tensor_entry_was_cut_short_is_refused_by_both_readers()
    {
        var path = Path.Combine(TestFolders.NewTemp("interop"), "short-entry.pth");
        File.Copy(InteropFixtures.File("torchvision-resnet18.pth"), path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            // The largest storage (a layer4 convolution) loses its second half, as a copy cut off mid-entry would.
            var entry = zip.Entries.Where(e => e.FullName.Contains("/data/", StringComparison.Ordinal)).MaxBy(e => e.Length)!;
            var name = entry.FullName;
            byte[] bytes;
            using (var read = entry.Open())
            using (var copy = new MemoryStream())
            {
                read.CopyTo(copy);
                bytes = copy.ToArray();
            }
            entry.Delete();
            using var write = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            write.Write(bytes, 0, bytes.Length / 2);
        }

        var headers = Assert.Throws<InteropException>(() => PretrainedBackbone.ReadShapes(path))!;
        var full = Assert.Throws<InteropException>(() => PretrainedBackbone.Read(path))!;

        Assert.That(headers.Message, Does.Contain($"'{path}' ends early").And.Contain("copy or download it again"));
        Assert.That(full.Message, Is.EqualTo(headers.Message), "the full reader used to fill the rest of the tensor with whatever memory held");
    }
}
