using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class KeyQueueTests
{
    // Row r of a batch is (value_r, 0), so the queue's first column shows which key is in which slot.
    private static Tensor Rows(params float[] values) => stack(values.Select(v => tensor(new[] { v, 0f })).ToArray());

    private static float[] Slots(KeyQueue queue) => queue.Keys.select(1, 0).data<float>().ToArray();

    [Test]
    public void Enqueue_wraps_around_and_overwrites_the_oldest_keys()
    {
        using var scope = NewDisposeScope();
        using var queue = new KeyQueue(capacity: 5, dim: 2);

        queue.Enqueue(Rows(1, 2, 3));
        Assert.That(queue.Pointer, Is.EqualTo(3));
        Assert.That(Slots(queue).Take(3), Is.EqualTo(new float[] { 1, 2, 3 }));

        // Slots 3 and 4 take 4 and 5; 6 wraps to slot 0, overwriting the oldest key (1).
        queue.Enqueue(Rows(4, 5, 6));
        Assert.That(Slots(queue), Is.EqualTo(new float[] { 6, 2, 3, 4, 5 }));
        Assert.That(queue.Pointer, Is.EqualTo(1));
    }

    [Test]
    public void Filling_exactly_to_the_end_moves_the_pointer_back_to_zero()
    {
        using var scope = NewDisposeScope();
        using var queue = new KeyQueue(capacity: 4, dim: 2);

        queue.Enqueue(Rows(1, 2));
        queue.Enqueue(Rows(3, 4));

        Assert.That(queue.Pointer, Is.EqualTo(0));
        Assert.That(Slots(queue), Is.EqualTo(new float[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void Batch_larger_than_the_queue_keeps_the_newest_keys_as_if_added_one_by_one()
    {
        using var scope = NewDisposeScope();
        using var queue = new KeyQueue(capacity: 3, dim: 2);
        queue.Enqueue(Rows(1)); // pointer 1

        // One by one: 2→1, 3→2, 4→0, 5→1, 6→2, 7→0, then the pointer is (1 + 6) mod 3 = 1.
        queue.Enqueue(Rows(2, 3, 4, 5, 6, 7));

        Assert.That(Slots(queue), Is.EqualTo(new float[] { 7, 5, 6 }));
        Assert.That(queue.Pointer, Is.EqualTo(1));
    }

    [Test]
    public void Starts_with_unit_keys_and_pointer_zero_stored_as_buffers()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var queue = new KeyQueue(capacity: 16, dim: 8);

        Assert.That(queue.Keys.shape, Is.EqualTo(new long[] { 16, 8 }));
        Assert.That(queue.Keys.norm(1).allclose(ones(16)), Is.True);
        Assert.That(queue.Pointer, Is.EqualTo(0));
        Assert.That(queue.state_dict().Keys, Is.EquivalentTo(new[] { "keys", "pointer" }));
        Assert.That(queue.parameters(), Is.Empty);
    }

    [Test]
    public void Rejects_keys_of_another_width()
    {
        using var scope = NewDisposeScope();
        using var queue = new KeyQueue(capacity: 4, dim: 2);
        Assert.That(() => queue.Enqueue(ones(2, 3)), Throws.ArgumentException);
    }
}
