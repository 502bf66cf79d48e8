using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Evaluation;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Evaluation;

/// <summary>
/// The linear probe keeps an SDK checkpoint: a run killed during the probe and resumed continues the probe from its
/// last epoch and ends exactly where an uninterrupted probe ends.
/// </summary>
[TestFixture]
public sealed class LinearProbeResumeTests
{
    // BatchNorm feature normalisation: its running statistics, used on the test features, must come back too.
    private static readonly LinearProbeOptions Options = new()
    {
        Epochs = 4, Lr = 1.0, Milestones = [2], ImageSize = 16, BatchSize = 16, FeatureNorm = FeatureNormalization.BatchNorm, CheckpointEvery = 1,
    };

    private static readonly ShapesOnClutter Data = new(new ShapesOnClutterOptions { TrainCount = 40, TestCount = 24, ImageSize = 16 });

    [Test]
    public void A_probe_interrupted_after_its_second_epoch_and_resumed_ends_bit_for_bit_as_an_uninterrupted_one()
    {
        var uninterrupted = NewDirectory();
        var expected = Probe(uninterrupted, fcSeed: 7);

        var killed = NewDirectory();
        using (var cancel = new CancellationTokenSource())
        {
            Assert.That(() => Probe(killed, fcSeed: 7, cancel, cancelAfterEpoch: 2), Throws.InstanceOf<OperationCanceledException>());
        }
        var checkpoints = Directory.GetFiles(killed.CheckpointDirectory, "linear-probe-*.pt");
        Assert.That(checkpoints, Has.Length.EqualTo(1));
        Assert.That(CheckpointFile.Load(checkpoints[0]).Info.CompletedEpochs, Is.EqualTo(2));

        // Another initialisation of the classifier: only the checkpoint can make the result equal.
        var resumed = Probe(killed, fcSeed: 999, resume: true);

        Assert.That(resumed.Top1, Is.EqualTo(expected.Top1));
        Assert.That(resumed.Weights, Is.EqualTo(expected.Weights), "classifier weights, bit for bit");
        Assert.That(File.ReadAllText(killed.LogFile), Does.Contain("linear-probe: resumed from").And.Contain("after epoch 2"));
        Assert.That(EpochLosses(killed), Is.EqualTo(EpochLosses(uninterrupted)), "each probe epoch logged once, with the same loss");
    }

    [Test]
    public void A_probe_with_other_options_does_not_resume_from_anothers_checkpoint()
    {
        var run = NewDirectory();
        Probe(run, fcSeed: 7);
        var first = Directory.GetFiles(run.CheckpointDirectory, "linear-probe-*.pt").Single();

        var other = Probe(run, fcSeed: 7, options: Options with { Lr = 0.5 });
        var fresh = Probe(NewDirectory(), fcSeed: 7, options: Options with { Lr = 0.5 });

        Assert.That(other.Weights, Is.EqualTo(fresh.Weights), "trained from the start, not from the first probe's final state");
        Assert.That(File.Exists(first), Is.False, "the finished probe's checkpoint is removed, so checkpoints do not pile up");
        Assert.That(Directory.GetFiles(run.CheckpointDirectory, "linear-probe-*.pt"), Has.Length.EqualTo(1));
    }

    private static RunDirectory NewDirectory() => RunDirectory.Create(TestFolders.NewTemp("probe-resume"), "probe", DateTime.UtcNow);

    private sealed record Outcome(double Top1, float[] Weights);

    private static Outcome Probe(RunDirectory directory, int fcSeed, CancellationTokenSource? cancel = null, int? cancelAfterEpoch = null,
                                 bool resume = false, LinearProbeOptions? options = null)
    {
        using var run = new RunContext(directory, CPU, 5, _ => { }, cancel?.Token ?? CancellationToken.None, resume: resume);
        IRunContext context = cancelAfterEpoch is { } epoch ? new CancelAfterEpoch(run, cancel!, epoch) : run;
        // The same backbone every time (its weights are part of the probe's identity), then the classifier's own seed.
        manual_seed(1);
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: 0.0625, SmallDataStem: true));
        manual_seed(fcSeed);
        var probe = new LinearProbe(options ?? Options);
        var weights = new List<float>();
        var result = probe.Run(new DownstreamContext(backbone, context, Data, null));
        var checkpoint = Directory.GetFiles(directory.CheckpointDirectory, "linear-probe-*.pt").Single();
        var (_, tensors) = CheckpointFile.Load(checkpoint);
        foreach (var (name, value) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith("model/fc.", StringComparison.Ordinal)) weights.AddRange(value.data<float>().ToArray());
            value.Dispose();
        }
        Assert.That(weights, Is.Not.Empty, "the checkpoint holds the classifier as model/fc.*");
        return new Outcome(result.Metrics["top1"], [.. weights]);
    }

    private static List<(long Step, double Loss)> EpochLosses(RunDirectory directory) =>
        File.ReadAllLines(directory.MetricsFile).Select(l => TensorBoardReplay.Parse(l)!.Value)
            .Where(r => r.Stage == "linear-probe/epoch").Select(r => (r.Step, r.Values["loss"])).ToList();

    /// <summary>The run, cancelled when the probe logs the end of epoch <paramref name="epoch"/> (its checkpoint is written next).</summary>
    private sealed class CancelAfterEpoch(RunContext run, CancellationTokenSource cancel, int epoch) : IRunContext
    {
        public string RunDirectory => run.RunDirectory;
        public torch.Device Device => run.Device;
        public long Seed => run.Seed;
        public CancellationToken Cancellation => run.Cancellation;
        public void Log(string message) => run.Log(message);

        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values)
        {
            run.LogMetrics(stage, step, values);
            if (stage == "linear-probe/epoch" && step == epoch) cancel.Cancel();
        }
    }
}
