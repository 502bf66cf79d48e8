using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Tests.Reporting;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Engine;

/// <summary>
/// A resumed run logs again the steps its killed predecessor logged after the checkpoint; metrics.jsonl (and the
/// TensorBoard events) must end up holding each step once, in the order of an uninterrupted run.
/// </summary>
[TestFixture]
public sealed class ResumedMetricsTests
{
    private static Dictionary<string, double> Loss(double value) => new() { ["loss"] = value };

    private static string NewFile() => Path.Combine(TestFolders.NewTemp("metrics"), "metrics.jsonl");

    private static List<(string Stage, long Step, double Loss)> Records(string path) =>
        File.ReadAllLines(path).Select(l => TensorBoardReplay.Parse(l)!.Value).Select(r => (r.Stage, r.Step, r.Values["loss"])).ToList();

    [Test]
    public void Records_logged_after_the_checkpoint_are_replaced_on_resume_not_repeated()
    {
        var path = NewFile();
        // The killed run: steps 1-3, the epoch record at step 3 (the checkpoint), then steps 4 and 5 before the kill.
        using (var killed = new MetricsWriter(path))
        {
            foreach (var s in new[] { 1, 2, 3 }) killed.Write("pretrain/step", s, Loss(s));
            killed.Write("pretrain/epoch", 3, Loss(2));
            killed.Write("pretrain/step", 4, Loss(-4));
            killed.Write("pretrain/step", 5, Loss(-5));
        }
        // The resumed run repeats steps 4 and 5 from the checkpoint, then goes on.
        using (var resumed = new MetricsWriter(path, resume: true))
        {
            Assert.That(resumed.Write("pretrain/step", 4, Loss(4)), Is.True, "step 4 replaces the killed run's record");
            Assert.That(resumed.Write("pretrain/step", 5, Loss(5)), Is.True);
            Assert.That(resumed.Write("pretrain/step", 6, Loss(6)), Is.False, "step 6 is new");
            resumed.Write("pretrain/epoch", 6, Loss(5));
        }

        Assert.That(Records(path), Is.EqualTo(new[]
        {
            ("pretrain/step", 1L, 1.0), ("pretrain/step", 2L, 2.0), ("pretrain/step", 3L, 3.0), ("pretrain/epoch", 3L, 2.0),
            ("pretrain/step", 4L, 4.0), ("pretrain/step", 5L, 5.0), ("pretrain/step", 6L, 6.0), ("pretrain/epoch", 6L, 5.0),
        }));
    }

    [Test]
    public void A_key_repeated_before_the_checkpoint_keeps_its_earlier_records()
    {
        var path = NewFile();
        // A monitor's linear probe logs its own epochs 1 and 2 after each pretraining epoch: the same keys every time.
        using (var killed = new MetricsWriter(path))
        {
            killed.Write("pretrain/epoch", 1, Loss(1)); killed.Write("probe/epoch", 1, Loss(10)); killed.Write("probe/epoch", 2, Loss(11));
            killed.Write("pretrain/epoch", 2, Loss(2)); killed.Write("probe/epoch", 1, Loss(20)); killed.Write("probe/epoch", 2, Loss(21));
            // checkpoint after epoch 2; epoch 3 and its probe's first epoch were logged before the kill
            killed.Write("pretrain/epoch", 3, Loss(-3)); killed.Write("probe/epoch", 1, Loss(-30));
        }
        using (var resumed = new MetricsWriter(path, resume: true))
        {
            resumed.Write("pretrain/epoch", 3, Loss(3)); resumed.Write("probe/epoch", 1, Loss(30)); resumed.Write("probe/epoch", 2, Loss(31));
        }

        Assert.That(Records(path).Select(r => r.Loss), Is.EqualTo(new[] { 1.0, 10, 11, 2, 20, 21, 3, 30, 31 }));
    }

    [Test]
    public void A_torn_last_line_and_a_second_kill_during_the_replay_leave_each_step_once()
    {
        var path = NewFile();
        using (var killed = new MetricsWriter(path))
            for (int s = 1; s <= 6; s++) killed.Write("pretrain/step", s, Loss(-s));
        File.AppendAllText(path, "{\"stage\":\"pretrain/st");  // the kill cut a write short
        // Resumed from step 2's checkpoint, killed again after repeating steps 3 and 4.
        using (var first = new MetricsWriter(path, resume: true))
        {
            first.Write("pretrain/step", 3, Loss(3));
            first.Write("pretrain/step", 4, Loss(4));
        }
        Assert.That(Records(path), Is.EqualTo(new[] { ("pretrain/step", 1L, -1.0), ("pretrain/step", 2L, -2.0), ("pretrain/step", 3L, 3.0),
            ("pretrain/step", 4L, 4.0), ("pretrain/step", 5L, -5.0), ("pretrain/step", 6L, -6.0) }), "whole records, in step order, each step once");
        // Resumed from step 2 again: steps 3 to 6 are all replaced, 7 is new.
        using (var second = new MetricsWriter(path, resume: true))
            for (int s = 3; s <= 7; s++) second.Write("pretrain/step", s, Loss(s));

        Assert.That(Records(path), Is.EqualTo(new[] { 1L, 2, 3, 4, 5, 6, 7 }.Select(s => ("pretrain/step", s, s <= 2 ? -(double)s : s))));
    }

    [Test]
    public void The_tensorboard_events_follow_the_replaced_metrics()
    {
        var directory = RunDirectory.Create(TestFolders.NewTemp("metrics-run"), "tb", DateTime.UtcNow);
        using (var killed = new RunContext(directory, CPU, 1, _ => { }, CancellationToken.None))
            for (int s = 1; s <= 4; s++) killed.LogMetrics("pretrain/step", s, Loss(-s));
        using (var resumed = new RunContext(directory, CPU, 1, _ => { }, CancellationToken.None, resume: true))
            for (int s = 3; s <= 5; s++) resumed.LogMetrics("pretrain/step", s, Loss(s));

        var scalars = Directory.GetFiles(directory.TensorBoardDirectory, "events.out.tfevents.*")
            .SelectMany(EventFileReader.Read).Where(e => e.Scalars.Count > 0)
            .Select(e => (e.Step, e.Scalars.Single().Value)).OrderBy(e => e.Step).ToList();
        Assert.That(scalars, Is.EqualTo(new[] { (1L, -1f), (2L, -2f), (3L, 3f), (4L, 4f), (5L, 5f) }));
    }
}
