using System.Diagnostics;
using ContrastiveCrop.Contracts;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Sdk;

/// <summary>
/// <see cref="StageTimingHook"/> on a toy stage whose parts take known minimum times (each sleeps): the data stage
/// and each timed submodule get at least their sleeps, the stages sum to at most the iteration and the iteration to at
/// most the wall time around training; evaluations between steps are not counted; the forward hooks come off.
/// </summary>
[TestFixture]
public sealed class StageTimingHookTests
{
    private const int Steps = 3, DataMs = 15, FirstMs = 10, SecondMs = 20, EvalMs = 300;

    [Test]
    public void Stages_get_at_least_their_known_durations_and_sum_to_at_most_the_iteration_and_the_wall_time()
    {
        using var model = new TwoStageModel();
        using var timing = new StageTimingHook(model, [("first", "first"), ("second", "second")]);
        using var trainer = new ToyTrainer(model, new MemoryRun(TestFolders.NewTemp("timing")));
        trainer.Register([timing]);

        var clock = Stopwatch.StartNew();
        trainer.Train();
        double wall = clock.Elapsed.TotalSeconds;

        var s = timing.Seconds;
        Assert.That(s.Keys, Is.EqualTo(new[] { "data", "first", "second", "backward", "step", "iteration" }));
        // Thread.Sleep never returns early; 1 ms of slack per step for the clock's resolution.
        Assert.That(s["data"], Is.GreaterThanOrEqualTo(Steps * (DataMs - 1) / 1000.0));
        Assert.That(s["first"], Is.GreaterThanOrEqualTo(Steps * (FirstMs - 1) / 1000.0));
        Assert.That(s["second"], Is.GreaterThanOrEqualTo(Steps * (SecondMs - 1) / 1000.0));
        Assert.That(s["backward"], Is.GreaterThan(0));
        Assert.That(s["step"], Is.GreaterThan(0));
        double parts = s.Where(kv => kv.Key != "iteration").Sum(kv => kv.Value);
        Assert.That(parts, Is.LessThanOrEqualTo(s["iteration"]));
        Assert.That(s["iteration"], Is.LessThanOrEqualTo(wall));
    }

    [Test]
    public void An_evaluation_run_by_a_later_hook_after_each_step_is_not_timed_as_training()
    {
        using var model = new TwoStageModel();
        using var timing = new StageTimingHook(model, [("first", "first"), ("second", "second")]);
        using var trainer = new ToyTrainer(model, new MemoryRun(TestFolders.NewTemp("timing-eval")));
        var evaluations = new EvaluatingHook(model);
        trainer.Register([timing, evaluations]);

        var clock = Stopwatch.StartNew();
        trainer.Train();
        double wall = clock.Elapsed.TotalSeconds;

        Assert.That(evaluations.Passes, Is.EqualTo(Steps));
        // Counting the evaluations would add Steps × EvalMs to "first"; the training calls take Steps × FirstMs (a loaded
        // machine's oversleeping stays far below the difference).
        Assert.That(timing.Seconds["first"], Is.LessThan(Steps * EvalMs / 1000.0));
        Assert.That(timing.Seconds["iteration"], Is.LessThanOrEqualTo(wall - evaluations.Seconds));
    }

    [Test]
    public void After_training_the_model_carries_no_forward_hook_and_later_calls_change_nothing()
    {
        using var model = new TwoStageModel();
        using var timing = new StageTimingHook(model, [("first", "first"), ("second", "second")]);
        using var trainer = new ToyTrainer(model, new MemoryRun(TestFolders.NewTemp("timing-off")));
        trainer.Register([new AttachmentProbe(model, timing)]);
        trainer.Register([timing]);
        Assert.That(ForwardHookCount.InTree(model), Is.Zero, "nothing is attached before the stage starts");

        trainer.Train();
        var totals = timing.Seconds.ToDictionary(kv => kv.Key, kv => kv.Value);
        using (NewDisposeScope()) model.call(ones(1, 1));

        Assert.That(timing.Attached, Is.False);
        Assert.That(ForwardHookCount.InTree(model), Is.Zero);
        Assert.That(timing.Seconds, Is.EqualTo(totals));
    }

    [Test]
    public void A_submodule_that_is_missing_or_cannot_be_hooked_is_refused_naming_the_stage()
    {
        using var model = new TwoStageModel();
        Assert.That(() => new StageTimingHook(model, [("rpn", "proposal_generator")]),
            Throws.ArgumentException.With.Message.Contains("'rpn'").And.Message.Contains("'proposal_generator'"));
        Assert.That(() => new StageTimingHook(model, [("data", "first")]), Throws.ArgumentException.With.Message.Contains("'data'"));
        Assert.That(() => new ModuleTimer(model, [("state", "plain")]),
            Throws.ArgumentException.With.Message.Contains("'state'").And.Message.Contains(nameof(PlainModule)));
        Assert.That(ForwardHookCount.InTree(model), Is.Zero, "a refused timer leaves nothing behind");
    }

    /// <summary>x ↦ second(first(x)); each part multiplies by its weight after sleeping (longer in eval mode).</summary>
    private sealed class TwoStageModel : nn.Module<Tensor, Tensor>
    {
        private readonly Sleeper first = new(FirstMs);
        private readonly Sleeper second = new(SecondMs);
        private readonly PlainModule plain = new();

        public TwoStageModel() : base(nameof(TwoStageModel)) => RegisterComponents();

        public override Tensor forward(Tensor x) => second.call(first.call(x));
    }

    private sealed class Sleeper : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter weight = new(ones(1));
        private readonly int _milliseconds;

        public Sleeper(int milliseconds) : base(nameof(Sleeper))
        {
            _milliseconds = milliseconds;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Thread.Sleep(training ? _milliseconds : EvalMs);
            return x * weight;
        }
    }

    /// <summary>A module without a typed forward: TorchSharp gives it no forward hooks.</summary>
    private sealed class PlainModule() : nn.Module(nameof(PlainModule));

    /// <summary>Minimises (second(first(1)) − 2)² for <see cref="Steps"/> steps; loading the batch sleeps <see cref="DataMs"/>.</summary>
    private sealed class ToyTrainer : TrainerBase, IDisposable
    {
        private readonly TwoStageModel _model;

        public ToyTrainer(TwoStageModel model, IRunContext run)
            : base(new TrainerSettings("toy", new TrainingLength(Steps, 1, Steps), run.Seed), run)
        {
            _model = model;
            Optimizer = new SgdOptimizer([new ParameterGroup([.. model.named_parameters().Select(p => (p.name, p.parameter))], 0, false)], momentum: 0);
            Schedule = new LearningRateSchedule(0.01, Steps) { Milestones = [] };
        }

        protected override nn.Module Module => _model;
        protected override SgdOptimizer Optimizer { get; }
        protected override LearningRateSchedule Schedule { get; }

        protected override StepOutput ComputeStep(TrainingState state)
        {
            Thread.Sleep(DataMs);
            var x = ones(1, 1);
            return new StepOutput((_model.call(x) - 2).pow(2).sum(), 1);
        }

        public void Dispose() => Optimizer.Dispose();
    }

    /// <summary>Runs the model in eval mode after every step, as a periodic evaluation does.</summary>
    private sealed class EvaluatingHook(TwoStageModel model) : HookBase
    {
        public int Passes { get; private set; }

        /// <summary>Wall time of all passes.</summary>
        public double Seconds { get; private set; }

        public override void AfterStep(TrainingState state, StepReport report)
        {
            var clock = Stopwatch.StartNew();
            model.eval();
            using (no_grad()) using (NewDisposeScope()) model.call(ones(1, 1));
            model.train();
            Passes++;
            Seconds += clock.Elapsed.TotalSeconds;
        }
    }

    /// <summary>Checks, during the stage, that the timing hook really has hooks on the two timed submodules.</summary>
    private sealed class AttachmentProbe(TwoStageModel model, StageTimingHook timing) : HookBase
    {
        public override void AfterStep(TrainingState state, StepReport report)
        {
            Assert.That(timing.Attached, Is.True);
            Assert.That(ForwardHookCount.InTree(model), Is.EqualTo(4), "a pre- and a post-hook on each timed submodule");
        }
    }

    private sealed class MemoryRun(string folder) : IRunContext
    {
        public string RunDirectory => folder;
        public Device Device => CPU;
        public long Seed => 1;
        public CancellationToken Cancellation => CancellationToken.None;
        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) { }
        public void Log(string message) { }
    }
}
