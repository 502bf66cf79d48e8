using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Training;
using NUnit.Framework;

namespace MyHook.Tests;

[TestFixture]
public sealed class MyHookTests
{
    private sealed class Run : IRunContext
    {
        public List<(string Stage, long Step, IReadOnlyDictionary<string, double> Values)> Metrics { get; } = [];
        public List<string> Lines { get; } = [];
        public string RunDirectory => Path.GetTempPath();
        public TorchSharp.torch.Device Device => TorchSharp.torch.CPU;
        public long Seed => 0;
        public CancellationToken Cancellation => CancellationToken.None;
        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) => Metrics.Add((stage, step, values));
        public void Log(string message) => Lines.Add(message);
    }

    /// <summary>Drives <paramref name="hook"/> through <paramref name="epochs"/> epochs of 10 steps, as the trainer would.</summary>
    private static void Train(MyHook hook, Run run, int epochs)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            hook.BeforeEpoch(new TrainingState("pretrain", epoch, epochs, epoch * 10L, epochs * 10L, run));
            Thread.Sleep(20);
            hook.AfterEpoch(new TrainingState("pretrain", epoch + 1, epochs, (epoch + 1) * 10L, epochs * 10L, run));
        }
    }

    [Test]
    public void It_reports_after_every_second_epoch_and_after_the_last()
    {
        var run = new Run();
        Train(new MyHook(new MyHookOptions { Every = 2 }, run), run, 5);
        Assert.That(run.Metrics.Select(m => m.Step), Is.EqualTo(new long[] { 20, 40, 50 }));
        Assert.That(run.Metrics.Select(m => m.Stage).Distinct(), Is.EqualTo(new[] { "pretrain" }));
        Assert.That(run.Lines, Has.Count.EqualTo(3));
    }

    [Test]
    public void The_reported_time_is_the_mean_epoch_time_since_the_last_report()
    {
        var run = new Run();
        Train(new MyHook(new MyHookOptions { Every = 3 }, run), run, 3);
        // Each epoch sleeps 20 ms; scheduling can only add time.
        Assert.That(run.Metrics.Single().Values["my-hook/epoch_seconds"], Is.InRange(0.019, 1.0));
    }

    [Test]
    public void Every_must_be_positive() =>
        Assert.That(new MyHookOptions { Every = 0 }.Validate().Select(e => e.Key), Is.EqualTo(new[] { "every" }));
}
