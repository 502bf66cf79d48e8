using ContrastiveCrop.Engine.Pretraining;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Engine;

public class CheckpointFileTests
{
    private static readonly CheckpointInfo Info = new(CheckpointInfo.CurrentFormat, 2, 40, 60, 7, "SimClr", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    private static string Write(string folder, float value)
    {
        var path = Path.Combine(folder, "last.pt");
        using var a = tensor(new float[] { value, 2, 3, 4, 5, 6 }).reshape(2, 3);
        using var b = tensor(new long[] { 9 });
        CheckpointFile.Save(path, Info, [KeyValuePair.Create("model/a", a), KeyValuePair.Create("model/pointer", b)]);
        return path;
    }

    [Test]
    public void Tensors_and_info_round_trip()
    {
        var path = Write(TestFolders.NewTemp("ckpt"), 1.5f);
        var (info, tensors) = CheckpointFile.Load(path);
        Assert.That(info, Is.EqualTo(Info));
        Assert.That(tensors["model/a"].shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(tensors["model/a"].data<float>().ToArray(), Is.EqualTo(new[] { 1.5f, 2, 3, 4, 5, 6 }));
        Assert.That(tensors["model/pointer"].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(tensors["model/pointer"].item<long>(), Is.EqualTo(9));
    }

    [Test]
    public void Headers_give_every_tensors_name_dtype_and_shape_and_the_info()
    {
        var path = Write(TestFolders.NewTemp("ckpt"), 1.5f);

        var (info, tensors) = CheckpointFile.ReadShapes(path);

        Assert.That(info, Is.EqualTo(Info));
        Assert.That(tensors.Keys, Is.EquivalentTo(new[] { "model/a", "model/pointer" }));
        Assert.That(tensors["model/a"].DType, Is.EqualTo(ScalarType.Float32));
        Assert.That(tensors["model/a"].Shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(tensors["model/pointer"].DType, Is.EqualTo(ScalarType.Int64));
        Assert.That(tensors["model/pointer"].Shape, Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void Every_truncation_is_recognised_from_the_headers_alone()
    {
        var path = Write(TestFolders.NewTemp("ckpt"), 1);
        var bytes = File.ReadAllBytes(path);

        // Without reading the data or checksum: the tensors' sizes and the trailer add up to the whole length only when nothing is cut.
        for (int keep = 0; keep < bytes.Length; keep++)
        {
            File.WriteAllBytes(path, bytes[..keep]);
            Assert.That(() => CheckpointFile.ReadShapes(path), Throws.TypeOf<CheckpointException>().With.Message.Contains($"'{path}'"), $"cut to {keep} bytes");
        }
    }

    [TestCase(1)]
    [TestCase(100)]
    public void A_truncated_checkpoint_is_rejected_naming_the_file(int cut)
    {
        var path = Write(TestFolders.NewTemp("ckpt"), 1);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^cut]);
        Assert.That(() => CheckpointFile.Load(path),
            Throws.TypeOf<CheckpointException>().With.Message.Contains(path).And.Message.Contains("truncated or corrupt"));
    }

    [Test]
    public void A_flipped_byte_is_rejected()
    {
        var path = Write(TestFolders.NewTemp("ckpt"), 1);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        Assert.That(() => CheckpointFile.Load(path), Throws.TypeOf<CheckpointException>().With.Message.Contains(path));
    }

    [Test]
    public void Another_file_is_rejected_as_not_a_checkpoint()
    {
        var path = Path.Combine(TestFolders.NewTemp("ckpt"), "x.pt");
        File.WriteAllText(path, "this is not a checkpoint at all, just some text that is long enough");
        Assert.That(() => CheckpointFile.Load(path), Throws.TypeOf<CheckpointException>().With.Message.Contains("not a ContrastiveCrop checkpoint"));
    }

    [Test]
    public void A_crash_while_writing_keeps_the_previous_checkpoint()
    {
        var folder = TestFolders.NewTemp("ckpt");
        var path = Write(folder, 1.5f);
        using var a = ones(1000);
        IEnumerable<KeyValuePair<string, Tensor>> Failing()
        {
            yield return KeyValuePair.Create("model/a", a);
            throw new IOException("disk full (simulated)");
        }

        Assert.That(() => CheckpointFile.Save(path, Info, Failing()), Throws.InstanceOf<IOException>()
            .With.Message.Contains($"Cannot write '{path}': disk full (simulated)").And.Message.Contains("previous version of the file is kept"));
        Assert.That(File.Exists(path + ".tmp"), Is.False, "the temporary file is removed");

        Assert.That(CheckpointFile.Load(path).Tensors["model/a"].data<float>()[0], Is.EqualTo(1.5f));
    }
}
