using System.Diagnostics;
using System.Reflection;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Plugins.Detection.Training;
using ContrastiveCrop.Tests.Sdk;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

/// <summary>
/// Detection fine-tuning's stage breakdown (<c>train_seconds_*</c>, the bench's columns) comes from a
/// <see cref="StageTimingHook"/> outside the model: every stage is measured, the stages fit in the iterations and the
/// iterations in the wall time around training, the hook changes no number, and no module keeps anything of it.
/// </summary>
[TestFixture]
public sealed class DetectionStageTimingTests
{
    private DetectionSplit _train = null!;

    private static readonly RcnnOptions Options = new()
    {
        Depth = 50, WidthMultiplier = 1.0 / 16, MinSizeTrain = [48, 64], MaxSizeTrain = 64,
        Iterations = 3, BatchSize = 2, Lr = 0.01, Steps = [2], WarmupIters = 1, CheckpointEvery = 100, LogEvery = 1,
    };

    [OneTimeSetUp]
    public void GenerateData()
    {
        _train = ToyDetectionBatch.GeneratedSplits("det-timing-data").Train;
    }

    private (List<double> Losses, double WallSeconds) Train(RcnnC4 model, StageTimingHook? timing)
    {
        var run = new LossRun(TestFolders.NewTemp("det-timing-run"));
        using var trainer = new DetectionTrainer(Options, run, "faster-rcnn-c4-random", model, _train, timing);
        var clock = Stopwatch.StartNew();
        trainer.Train();
        return (run.Losses, clock.Elapsed.TotalSeconds);
    }

    private static RcnnC4 NewModel()
    {
        manual_seed(1);
        return new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
    }

    [Test]
    public void Every_stage_is_positive_and_the_stages_sum_to_at_most_the_iterations_and_the_wall_time()
    {
        using var scope = NewDisposeScope();
        using var model = NewModel();
        using var timing = new StageTimingHook(model, DetectionTrainer.TimedModules);

        var (_, wall) = Train(model, timing);

        var s = timing.Seconds;
        Assert.That(s.Keys, Is.EqualTo(new[] { "data", "backbone", "rpn", "roi_heads", "backward", "step", "iteration" }));
        Assert.That(s.Values, Has.All.GreaterThan(0), string.Join(", ", s));
        Assert.That(s.Where(kv => kv.Key != "iteration").Sum(kv => kv.Value), Is.LessThanOrEqualTo(s["iteration"]));
        Assert.That(s["iteration"], Is.LessThanOrEqualTo(wall));
    }

    [Test]
    public void Training_with_the_timing_hook_has_the_losses_and_weights_of_training_without_it_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        using var plain = NewModel();
        using var timed = NewModel();
        using var timing = new StageTimingHook(timed, DetectionTrainer.TimedModules);

        var (withoutLosses, _) = Train(plain, null);
        var (withLosses, _) = Train(timed, timing);

        Assert.That(withLosses, Has.Count.EqualTo(Options.Iterations));
        Assert.That(withLosses, Is.EqualTo(withoutLosses));
        var after = timed.state_dict();
        foreach (var (name, value) in plain.state_dict())
            Assert.That(after[name].equal(value).all().item<bool>(), Is.True, name);
    }

    [Test]
    public void After_training_only_the_batch_norms_batch_counters_remain_as_forward_hooks_and_inference_adds_no_time()
    {
        using var scope = NewDisposeScope();
        using var model = NewModel();
        using var timing = new StageTimingHook(model, DetectionTrainer.TimedModules);
        Train(model, timing);
        var totals = timing.Seconds.ToDictionary(kv => kv.Key, kv => kv.Value);

        model.eval();
        var (images, _) = ToyDetectionBatch.Create();
        model.Infer(images);

        // The timing hooks are gone; what remains is the loop's BatchNorm batch counting (BatchNormCounting: a pre-forward
        // and a forward hook on each BatchNorm, inert in eval mode), which stays for any later training-mode forward.
        Assert.That(model.modules().Prepend(model).Where(m => m is not BatchNorm).Sum(ForwardHookCount.Of), Is.Zero);
        Assert.That(model.modules().OfType<BatchNorm>().Select(ForwardHookCount.Of), Is.Not.Empty.And.All.EqualTo(2));
        Assert.That(timing.Seconds, Is.EqualTo(totals));
    }

    [Test]
    public void No_detection_module_type_holds_timing_state()
    {
        // Timing lives in hooks outside the model; a module with a timer field or property would be threading it through again.
        var modules = typeof(RcnnC4).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(nn.Module))).ToList();
        Assert.That(modules.Select(t => t.Name), Does.Contain(nameof(RcnnC4)).And.Contain("RegionProposalNetwork").And.Contain("Res5RoiHeads"));
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in modules)
        {
            var members = type.GetFields(all).Select(f => (f.Name, Type: f.FieldType))
                .Concat(type.GetProperties(all).Select(p => (p.Name, Type: p.PropertyType)));
            foreach (var (name, memberType) in members)
            {
                Assert.That(memberType == typeof(Stopwatch) || memberType == typeof(ModuleTimer) || memberType == typeof(StageTimingHook), Is.False, $"{type.Name}.{name}");
                Assert.That(name, Does.Not.Contain("Timer").And.Not.Contain("Times"), $"{type.Name}.{name}");
            }
        }
    }

    /// <summary>A run context that records the total loss of every step.</summary>
    private sealed class LossRun(string folder) : IRunContext
    {
        public List<double> Losses { get; } = [];
        public string RunDirectory => folder;
        public Device Device => CPU;
        public long Seed => 7;
        public CancellationToken Cancellation => CancellationToken.None;

        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values)
        {
            if (stage.EndsWith("/step", StringComparison.Ordinal)) Losses.Add(values["loss"]);
        }

        public void Log(string message) { }
    }
}
