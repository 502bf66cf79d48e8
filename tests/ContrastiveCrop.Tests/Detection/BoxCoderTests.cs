using ContrastiveCrop.Detection.Boxes;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Detection;

[TestFixture]
public sealed class BoxCoderTests
{
    [Test]
    public void Encode_gives_weighted_centre_offsets_and_log_size_ratios()
    {
        using var scope = NewDisposeScope();
        var source = tensor(new float[] { 0, 0, 10, 10 }, [1, 4]);
        var target = tensor(new float[] { 5, 5, 25, 15 }, [1, 4]);
        // Source centre (5, 5), size 10 × 10; target centre (15, 10), size 20 × 10.
        // dx = 10·(15−5)/10 = 10, dy = 10·(10−5)/10 = 5, dw = 5·ln 2 = 3.46574, dh = 5·ln 1 = 0.
        var deltas = BoxCoder.RoiHeads().Encode(source, target).data<float>().ToArray();
        Assert.That(deltas, Is.EqualTo(new[] { 10f, 5f, 3.465736f, 0f }).Within(1e-5));
    }

    [Test]
    public void Decode_inverts_encode()
    {
        using var scope = NewDisposeScope();
        var source = tensor(new float[] { 0, 0, 10, 10, 3, 4, 50, 20 }, [2, 4]);
        var target = tensor(new float[] { 5, 5, 25, 15, 1, 1, 40, 33 }, [2, 4]);
        var coder = BoxCoder.RoiHeads();
        Assert.That(coder.Decode(coder.Encode(source, target), source).allclose(target, rtol: 1e-5, atol: 1e-4), Is.True);
    }

    [Test]
    public void Decode_clamps_dw_and_dh_at_log_1000_over_16()
    {
        using var scope = NewDisposeScope();
        var box = tensor(new float[] { 0, 0, 10, 10 }, [1, 4]);
        var deltas = tensor(new float[] { 0, 0, 1000, 1000 }, [1, 4]);
        var decoded = new BoxCoder(1, 1, 1, 1).Decode(deltas, box).data<float>().ToArray();
        // Width 10·exp(log(1000/16)) = 625, centred on 5: x from −307.5 to 317.5.
        Assert.That(decoded, Is.EqualTo(new[] { -307.5f, -307.5f, 317.5f, 317.5f }).Within(1e-3));
    }

    [Test]
    public void Class_specific_deltas_decode_each_class_against_the_same_box()
    {
        using var scope = NewDisposeScope();
        var box = tensor(new float[] { 0, 0, 10, 10 }, [1, 4]);
        // Class 0: no change; class 1: dx = 10 under weight 10 → shift by one width.
        var deltas = tensor(new float[] { 0, 0, 0, 0, 10, 0, 0, 0 }, [1, 8]);
        var decoded = BoxCoder.RoiHeads().Decode(deltas, box).data<float>().ToArray();
        Assert.That(decoded, Is.EqualTo(new float[] { 0, 0, 10, 10, 10, 0, 20, 10 }).Within(1e-5));
    }
}
