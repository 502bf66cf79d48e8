using ContrastiveCrop.Contracts;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Sdk;

/// <summary>
/// The SDK's loop on a stage small enough to compute by hand: one parameter w, loss (w − 3)², plain SGD.
/// </summary>
[TestFixture]
public sealed class TrainerBaseTests
{
    /// <summary>A run context that keeps metrics and log lines in memory.</summary>
    private sealed class MemoryRun(string folder) : IRunContext
    {
        public List<(string Stage, long Step, IReadOnlyDictionary<string, double> Values)> Metrics { get; } = [];
        public string RunDirectory => folder;
        public Device Device => CPU;
        public long Seed => 1;
        public CancellationToken Cancellation => CancellationToken.None;
        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) => Metrics.Add((stage, step, values));
        public void Log(string message) { }
    }

    /// <summary>Minimises (w − 3)² with SGD at lr 0.1 (no momentum); optionally returns NaN at one step.</summary>
    private sealed class Quadratic : TrainerBase, IDisposable
    {
        private readonly TorchSharp.Modules.Parameter _w;
        private readonly long? _nanAtStep;

        public Quadratic(IRunContext run, int epochs, int stepsPerEpoch, long? nanAtStep = null, string? checkpoint = null)
            : base(new TrainerSettings("toy", new TrainingLength((long)epochs * stepsPerEpoch, epochs, stepsPerEpoch), run.Seed)
                   { LogEvery = 2, CheckpointPath = checkpoint, CheckpointEveryEpochs = 1 }, run)
        {
            _nanAtStep = nanAtStep;
            Model = new ToyModule();
            _w = Model.W;
            Optimizer = new SgdOptimizer([new ParameterGroup([("w", _w)], 0, false)], momentum: 0);
            Schedule = new LearningRateSchedule(0.1, Settings.Length.TotalSteps) { Milestones = [] };
        }

        public ToyModule Model { get; }
        protected override nn.Module Module => Model;
        protected override SgdOptimizer Optimizer { get; }
        protected override LearningRateSchedule Schedule { get; }

        protected override StepOutput ComputeStep(TrainingState state)
        {
            var loss = (_w - 3).pow(2).sum();
            if (state.Step == _nanAtStep) loss = loss * double.NaN;
            return new StepOutput(loss, 1);
        }

        public void Dispose() => Optimizer.Dispose();
    }

    private sealed class ToyModule : nn.Module
    {
        public ToyModule() : base("toy")
        {
            W = new TorchSharp.Modules.Parameter(zeros(1));
            RegisterComponents();
        }

        public TorchSharp.Modules.Parameter W { get; }
    }

    /// <summary>Records every call it gets, and keeps a counter as checkpointed state.</summary>
    private sealed class Recorder(List<string> calls) : HookBase
    {
        public float Counter { get; private set; }
        public override void BeforeTrain(TrainingState s) => calls.Add($"before-train {s.Epoch}/{s.Step}");
        public override void BeforeEpoch(TrainingState s) => calls.Add($"before-epoch {s.Epoch}");
        public override void BeforeStep(TrainingState s) => calls.Add($"before-step {s.Step}");
        public override void AfterBackward(TrainingState s) => calls.Add($"after-backward {s.Step}");
        public override void AfterStep(TrainingState s, StepReport r) => calls.Add($"after-step {s.Step} loss {r.Loss:F4}");
        public override void AfterEpoch(TrainingState s)
        {
            Counter += s.Epoch;
            calls.Add($"after-epoch {s.Epoch}");
        }
        public override void AfterTrain(TrainingState s) => calls.Add($"after-train {s.Step}");
        public override string StateKey => "recorder";
        public override IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor> { ["counter"] = tensor(new[] { Counter }) };
        public override void SetState(IReadOnlyDictionary<string, Tensor> state) => Counter = state["counter"].item<float>();
    }

    [Test]
    public void Hooks_see_every_point_of_the_loop_in_order_and_the_losses_follow_gradient_descent_by_hand()
    {
        // w0 = 0, lr 0.1: w ← w − 0.1·2(w − 3) = 0.8w + 0.6; losses (w − 3)² = 9, 5.76, 3.6864.
        var calls = new List<string>();
        var run = new MemoryRun(TestFolders.NewTemp("toy"));
        using var trainer = new Quadratic(run, epochs: 2, stepsPerEpoch: 2);
        trainer.Register([new Recorder(calls)]);

        var result = trainer.Train();

        Assert.That(calls, Is.EqualTo(new[]
        {
            "before-train 0/0", "before-epoch 0", "before-step 0", "after-backward 0", "after-step 1 loss 9.0000",
            "before-step 1", "after-backward 1", "after-step 2 loss 5.7600", "after-epoch 1",
            "before-epoch 1", "before-step 2", "after-backward 2", "after-step 3 loss 3.6864",
            "before-step 3", "after-backward 3", "after-step 4 loss 2.3593", "after-epoch 2",
            "after-train 4",
        }));
        Assert.That(trainer.Model.W.item<float>(), Is.EqualTo(3 - 3 * Math.Pow(0.8, 4)).Within(1e-6));
        Assert.That(result.FinalLoss, Is.EqualTo((3.6864 + 2.359296) / 2).Within(1e-5));
        // Step metrics are window means every 2 steps.
        var windows = run.Metrics.Where(m => m.Stage == "toy/step").ToList();
        Assert.That(windows.Select(m => m.Step), Is.EqualTo(new long[] { 2, 4 }));
        Assert.That(windows[0].Values["loss"], Is.EqualTo((9 + 5.76) / 2).Within(1e-5));
    }

    [Test]
    public void A_stage_resumed_from_its_checkpoint_ends_where_an_uninterrupted_one_does_and_hook_state_comes_back()
    {
        var folder = TestFolders.NewTemp("toy-resume");
        var checkpoint = Path.Combine(folder, "toy.pt");
        using (var straight = new Quadratic(new MemoryRun(folder), epochs: 3, stepsPerEpoch: 2))
        {
            straight.Train();
            Assert.That(straight.Model.W.item<float>(), Is.EqualTo(3 - 3 * Math.Pow(0.8, 6)).Within(1e-6));
        }

        // The first stage checkpoints after each epoch and is stopped as its third epoch begins.
        var calls = new List<string>();
        using (var first = new Quadratic(new MemoryRun(folder), epochs: 3, stepsPerEpoch: 2, checkpoint: checkpoint))
        {
            var recorder = new Recorder(calls);
            first.Register([recorder, new StopBeforeEpoch(2)]);
            Assert.That(() => first.Train(), Throws.TypeOf<OperationCanceledException>());
            Assert.That(recorder.Counter, Is.EqualTo(1 + 2));
        }
        Assert.That(CheckpointFile.Load(checkpoint).Info.CompletedEpochs, Is.EqualTo(2));

        using var resumed = new Quadratic(new MemoryRun(folder), epochs: 3, stepsPerEpoch: 2, checkpoint: checkpoint);
        var restored = new Recorder([]);
        resumed.Register([restored]);
        resumed.Train(checkpoint);

        Assert.That(resumed.Model.W.item<float>(), Is.EqualTo(3 - 3 * Math.Pow(0.8, 6)).Within(1e-6));
        Assert.That(restored.Counter, Is.EqualTo(1 + 2 + 3), "the hook's counter was restored, then advanced by epoch 3");
    }

    [Test]
    public void Divergence_stops_with_a_message_that_says_truthfully_whether_a_checkpoint_was_kept()
    {
        var folder = TestFolders.NewTemp("toy-nan");
        var checkpoint = Path.Combine(folder, "toy.pt");
        using (var early = new Quadratic(new MemoryRun(folder), epochs: 2, stepsPerEpoch: 2, nanAtStep: 1, checkpoint: checkpoint))
            Assert.That(() => early.Train(), Throws.TypeOf<TrainingDivergedException>()
                .With.Message.Contains("toy: the loss became NaN at epoch 1, step 2").And.Message.Contains("no checkpoint of this stage had been written yet"));
        Assert.That(File.Exists(checkpoint), Is.False);

        using var late = new Quadratic(new MemoryRun(folder), epochs: 2, stepsPerEpoch: 2, nanAtStep: 3, checkpoint: checkpoint);
        Assert.That(() => late.Train(), Throws.TypeOf<TrainingDivergedException>()
            .With.Message.Contains("epoch 2, step 4").And.Message.Contains($"the last good checkpoint is kept: '{checkpoint}'"));
        Assert.That(CheckpointFile.Load(checkpoint).Info.Step, Is.EqualTo(2));
    }

    private sealed class StopBeforeEpoch(int epoch) : HookBase
    {
        public override void BeforeEpoch(TrainingState state)
        {
            if (state.Epoch == epoch) throw new OperationCanceledException();
        }
    }
}
