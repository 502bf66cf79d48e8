using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Plugins.Detection.Training;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary>
/// Detection fine-tuning interrupted after a checkpoint and resumed (in a new process, with a
/// differently initialised model) continues exactly where it stopped; a crash while writing a
/// checkpoint leaves the previous one loadable.
/// </summary>
[TestFixture]
public sealed class DetectionTrainerResumeTests
{
    private DetectionSplit _train = null!;

    // Four iterations of two 48-64 px images, a checkpoint every two, warm-up and a step inside the run
    // so that resuming must restore the schedule position and the momentum buffers.
    private static readonly RcnnOptions Options = new()
    {
        Depth = 50, WidthMultiplier = 1.0 / 16, MinSizeTrain = [48, 64], MaxSizeTrain = 64,
        Iterations = 4, BatchSize = 2, Lr = 0.01, Steps = [3], WarmupIters = 2, CheckpointEvery = 2, LogEvery = 1,
    };

    [OneTimeSetUp]
    public void GenerateData()
    {
        _train = ToyDetectionBatch.GeneratedSplits("det-resume-data").Train;
    }

    private static RcnnC4 NewModel(int seed)
    {
        manual_seed(seed);
        return new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
    }

    private List<double> Train(RcnnC4 model, RecordingRun run)
    {
        using var trainer = new DetectionTrainer(Options, run, "faster-rcnn-c4-backbone", model, _train);
        trainer.Train();
        return run.TotalLosses;
    }

    [Test]
    public void An_interrupted_then_resumed_fine_tuning_has_the_same_losses_and_weights_as_an_uninterrupted_one()
    {
        using var scope = NewDisposeScope();
        using var straight = NewModel(1);
        var uninterrupted = Train(straight, new RecordingRun(TestFolders.NewTemp("det-straight")));
        Assert.That(uninterrupted, Has.Count.EqualTo(4));

        var folder = TestFolders.NewTemp("det-interrupted");
        using var first = NewModel(1);
        var interrupted = new RecordingRun(folder, cancelAfterStep: 2);
        Assert.That(() => Train(first, interrupted), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(interrupted.TotalLosses, Is.EqualTo(uninterrupted.Take(2)).Within(1e-6));

        // A new model from another seed: everything after the checkpoint must come from the file.
        using var second = NewModel(99);
        var resumedRun = new RecordingRun(folder);
        var resumed = Train(second, resumedRun);
        Assert.That(resumedRun.Steps, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(resumed, Is.EqualTo(uninterrupted.Skip(2)).Within(1e-5));
        var expected = straight.state_dict();
        foreach (var (name, value) in second.state_dict())
            Assert.That(value.allclose(expected[name], rtol: 1e-4, atol: 1e-6), Is.True, name);
    }

    [Test]
    public void A_crash_while_writing_a_checkpoint_keeps_the_previous_one()
    {
        using var scope = NewDisposeScope();
        var folder = TestFolders.NewTemp("det-ckpt");
        using var model = NewModel(1);
        Train(model, new RecordingRun(folder));
        var path = Path.Combine(folder, "checkpoints", "faster-rcnn-c4-backbone.pt");
        var before = File.ReadAllBytes(path);

        Assert.That(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(before.AsSpan(0, before.Length / 2));
            throw new IOException("disk full (simulated)");
        }), Throws.InstanceOf<IOException>());

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(CheckpointFile.Load(path).Info.Step, Is.EqualTo(4));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Is.EqualTo(new[] { path }), "no temporary file is left behind");
    }

    [Test]
    public void A_truncated_checkpoint_is_refused_naming_the_file()
    {
        using var scope = NewDisposeScope();
        var folder = TestFolders.NewTemp("det-ckpt");
        using var model = NewModel(1);
        Train(model, new RecordingRun(folder));
        var path = Path.Combine(folder, "checkpoints", "faster-rcnn-c4-backbone.pt");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        using var again = NewModel(1);
        Assert.That(() => Train(again, new RecordingRun(folder)), Throws.TypeOf<CheckpointException>().With.Message.Contains(path));
    }

    /// <summary>A run context that records the total training loss per step and can cancel after a step.</summary>
    private sealed class RecordingRun(string folder, int? cancelAfterStep = null) : IRunContext
    {
        private readonly CancellationTokenSource _cancel = new();

        public List<double> TotalLosses { get; } = [];
        public List<long> Steps { get; } = [];
        public string RunDirectory => folder;
        public Device Device => CPU;
        public long Seed => 7;
        public CancellationToken Cancellation => _cancel.Token;

        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values)
        {
            if (!stage.EndsWith("/step", StringComparison.Ordinal)) return;
            TotalLosses.Add(values["loss"]);
            Steps.Add(step);
            if (step == cancelAfterStep) _cancel.Cancel();
        }

        public void Log(string message) { }
    }
}
