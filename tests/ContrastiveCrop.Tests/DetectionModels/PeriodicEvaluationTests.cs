using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Plugins.Detection.Training;
using ContrastiveCrop.Tests.Sdk;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary>
/// <c>eval_every</c>: the learning curve is logged at every N-th iteration before the last, and evaluating
/// during training changes nothing about the training itself.
/// </summary>
[TestFixture]
public sealed class PeriodicEvaluationTests
{
    [Test]
    public void Evaluates_after_every_nth_step_but_the_last_and_logs_at_that_step_in_training_mode_again()
    {
        using var model = nn.Linear(2, 2);
        var run = new RecordingRun(TestFolders.NewTemp("det-eval-hook"));
        var calls = new List<bool>();
        var hook = new PeriodicEvaluationHook(2, model, () =>
        {
            // The real evaluation switches the model to eval mode; the hook must switch it back.
            calls.Add(model.training);
            model.eval();
            return new Dictionary<string, double> { ["AP50"] = 10 * calls.Count };
        });
        model.train();
        for (long step = 1; step <= 5; step++)
            hook.AfterStep(new TrainingState("faster-rcnn-c4-random", 1, 1, step, 5, run), new StepReport(step, 5, 1, 1, 0, new Dictionary<string, double>(), 0.01, 1));

        Assert.That(run.Logged, Is.EqualTo(new[] { ("faster-rcnn-c4-random/eval", 2L, 10.0), ("faster-rcnn-c4-random/eval", 4L, 20.0) }));
        Assert.That(calls, Is.EqualTo(new[] { true, true }), "each evaluation starts from a model in training mode");
        Assert.That(model.training, Is.True);
    }

    [TestCase(0, TestName = "Training_with_evaluations_in_between_has_the_losses_and_weights_of_training_without")]
    [TestCase(2, TestName = "Training_with_evaluations_after_precise_BatchNorm_statistics_has_the_losses_weights_and_statistics_of_training_without")]
    public void Training_with_evaluations_in_between_is_unchanged(int preciseBnIters)
    {
        using var scope = NewDisposeScope();
        var (train, test) = ToyDetectionBatch.GeneratedSplits("det-eval-data", testCount: 2);
        var options = new RcnnOptions
        {
            Depth = 50, WidthMultiplier = 1.0 / 16, MinSizeTrain = [48, 64], MaxSizeTrain = 64, MinSizeTest = 48, MaxSizeTest = 64,
            Iterations = 4, BatchSize = 2, Lr = 0.01, Steps = [3], WarmupIters = 2, CheckpointEvery = 100, LogEvery = 1,
            PreciseBnIters = preciseBnIters,
        };

        (List<double> Losses, RcnnC4 Model, RecordingRun Run) Train(int evalEvery)
        {
            manual_seed(1);
            var model = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
            var run = new RecordingRun(TestFolders.NewTemp("det-eval-run"));
            using (var trainer = new DetectionTrainer(options with { EvalEvery = evalEvery }, run, "faster-rcnn-c4-random", model, train, test: test))
                trainer.Train();
            return (run.Losses, model, run);
        }

        var plain = Train(0);
        var evaluated = Train(1);

        Assert.That(evaluated.Run.Logged.Where(l => l.Stage.EndsWith("/eval")).Select(l => l.Step).Distinct(), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(plain.Run.Logged.Where(l => l.Stage.EndsWith("/eval")), Is.Empty);
        Assert.That(evaluated.Losses, Is.EqualTo(plain.Losses));
        // Weights and batch-norm statistics (eval mode leaves the running averages alone; precise statistics are put back).
        var after = evaluated.Model.state_dict();
        foreach (var (name, value) in plain.Model.state_dict())
            Assert.That(after[name].equal(value).all().item<bool>(), Is.True, name);
        plain.Model.Dispose();
        evaluated.Model.Dispose();
    }

    [Test]
    public void The_test_pass_reports_every_image_to_the_hosts_progress_display()
    {
        using var scope = NewDisposeScope();
        var test = ToyDetectionBatch.GeneratedSplits("det-progress-data", trainCount: 1, testCount: 3).Test;
        var options = new RcnnOptions { Depth = 50, WidthMultiplier = 1.0 / 16, MinSizeTest = 48, MaxSizeTest = 64 };
        manual_seed(1);
        using var model = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
        var progress = new RecordingProgress();
        var run = new RecordingRun(TestFolders.NewTemp("det-progress-run"), progress);

        new DetectionEvaluation(options, run, "faster-rcnn-c4-random").Evaluate(model, test);

        Assert.That(progress.Calls, Is.EqualTo(new[] { "start faster-rcnn-c4-random: inference on 3 test images 0/3", "advance 1", "advance 2", "advance 3", "stop" }));
    }

    /// <summary>A run context that records logged metrics (stage, step, AP50 or the loss) and the per-step losses.</summary>
    private sealed class RecordingRun(string folder, IProgressReporter? progress = null) : IRunContext, IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(IProgressReporter) ? progress : null;

        public List<(string Stage, long Step, double Value)> Logged { get; } = [];
        public List<double> Losses { get; } = [];
        public string RunDirectory => folder;
        public Device Device => CPU;
        public long Seed => 7;
        public CancellationToken Cancellation => CancellationToken.None;

        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values)
        {
            if (stage.EndsWith("/step", StringComparison.Ordinal)) Losses.Add(values["loss"]);
            Logged.Add((stage, step, values.TryGetValue("AP50", out var ap) ? ap : values.GetValueOrDefault("loss")));
        }

        public void Log(string message) { }
    }
}
