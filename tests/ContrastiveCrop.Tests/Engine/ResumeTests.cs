using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Engine;

/// <summary>
/// A run interrupted after its second epoch and resumed from the checkpoint reproduces the losses of
/// an uninterrupted run step for step: model, momentum encoder, queue, optimiser momentum, schedule
/// position, RNG streams and plugin state all come back.
/// </summary>
public class ResumeTests
{
    internal static readonly PretrainOptions Options = new()
    {
        Epochs = 3, BatchSize = 8, Lr = 0.05, WarmupEpochs = 1, ImageSize = 16, CheckpointEvery = 1, LogEvery = 1,
        ExcludeNormAndBiasFromWeightDecay = true, ClipGradNorm = 5,
    };

    [Test]
    public void An_interrupted_then_resumed_run_has_the_same_losses_as_an_uninterrupted_one()
    {
        var uninterrupted = Train(seedForInit: 1, cancelAfterEpoch: null, resumeFrom: null);

        var interrupted = NewRun();
        Assert.That(() => Train(1, cancelAfterEpoch: 2, resumeFrom: null, interrupted), Throws.InstanceOf<OperationCanceledException>());
        var checkpoint = Path.Combine(interrupted.Directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        Assert.That(CheckpointFile.Load(checkpoint).Info.CompletedEpochs, Is.EqualTo(2));
        // A different initialisation: everything the third epoch sees must come from the checkpoint.
        var resumed = Train(seedForInit: 99, cancelAfterEpoch: null, resumeFrom: checkpoint, NewRun());

        int perEpoch = 48 / Options.BatchSize;
        Assert.That(resumed.Losses, Has.Count.EqualTo(perEpoch));
        Assert.That(resumed.Losses, Is.EqualTo(uninterrupted.Losses.Skip(2 * perEpoch).ToList()).Within(1e-5));
        Assert.That(resumed.SamplerState, Is.EqualTo(uninterrupted.SamplerState), "plugin state is restored, then updated by epoch 3");
    }

    [Test]
    public void Resuming_with_a_different_schedule_is_refused()
    {
        var run = NewRun();
        Train(1, null, null, run, Options with { Epochs = 1 });
        var checkpoint = Path.Combine(run.Directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        Assert.That(() => Train(1, null, checkpoint, NewRun(), Options with { Epochs = 5 }),
            Throws.TypeOf<CheckpointException>().With.Message.Contains("recipe.yaml"));
    }

    [Test]
    public void A_run_resumed_after_a_box_update_has_the_same_boxes_next_crops_and_losses()
    {
        // Boxes are updated after epochs 1 and 2 of 3 (never after the last); the run stops after epoch 2's update.
        static ContrastiveCropSampler NewSampler() => new(new ContrastiveCropOptions { Alpha = 0.1, Threshold = 0.3, UpdateEpochs = 1 });
        var first = NewSampler();
        var uninterrupted = Train(1, cancelAfterEpoch: null, resumeFrom: null, localizing: first);

        var interrupted = NewRun();
        Assert.That(() => Train(1, cancelAfterEpoch: 2, resumeFrom: null, interrupted, localizing: NewSampler()), Throws.InstanceOf<OperationCanceledException>());
        var checkpoint = Path.Combine(interrupted.Directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        var resumedSampler = NewSampler();
        var resumed = Train(seedForInit: 99, cancelAfterEpoch: null, resumeFrom: checkpoint, NewRun(), localizing: resumedSampler);

        Assert.That(first.Boxes.Count(b => b != NormalizedBox.Whole), Is.GreaterThan(0), "the updates produced boxes");
        Assert.That(resumedSampler.Boxes, Is.EqualTo(first.Boxes));
        Assert.That(resumed.Losses, Is.EqualTo(uninterrupted.Losses.Skip(2 * (48 / Options.BatchSize)).ToList()).Within(1e-5));
        for (int index = 0; index < 48; index++)
        for (int view = 0; view < 2; view++)
        {
            var request = new CropRequest(index, view, 16, 16);
            Assert.That(resumedSampler.Sample(request, new Random(index * 2 + view)), Is.EqualTo(first.Sample(request, new Random(index * 2 + view))));
        }
    }

    internal sealed record Outcome(List<double> Losses, float SamplerState);

    internal static RunContext NewRun()
    {
        var directory = RunDirectory.Create(TestFolders.NewTemp("resume"), "resume", DateTime.UtcNow);
        return new RunContext(directory, CPU, 5, _ => { }, CancellationToken.None);
    }

    /// <summary>
    /// Trains on 48 generated 16-pixel images from a fresh initialisation (<paramref name="seedForInit"/>),
    /// optionally cancelled after an epoch or resumed; <paramref name="createMethod"/> replaces the default MoCo.
    /// </summary>
    internal static Outcome Train(int seedForInit, int? cancelAfterEpoch, string? resumeFrom, RunContext? context = null, PretrainOptions? options = null,
        ContrastiveCropSampler? localizing = null, Func<IBackbone, ISiameseMethod>? createMethod = null)
    {
        using var cancel = new CancellationTokenSource();
        var baseRun = context ?? NewRun();
        using var run = new RunContext(baseRun.Directory, CPU, 5, _ => { }, cancel.Token);
        baseRun.Dispose();
        manual_seed(seedForInit);
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: 0.0625, SmallDataStem: true));
        var method = (createMethod ?? (b => new MoCo(new MoCoOptions(ProjectionDim: 8, QueueSize: 16, Momentum: 0.9), b)))(backbone);
        using var module = method.Module;
        var counting = new CountingSampler();
        ICropSampler sampler = localizing ?? (ICropSampler)counting;
        var losses = new LossRecorder();
        // The sampler brings its own hook (ContrastiveCrop's box updates, or the counter); the run adds these after it.
        var hooks = new List<HookBase> { new CancelAfter(cancelAfterEpoch, cancel), losses };
        using var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = 48, TestCount = 8, ImageSize = 16 }).Open("train");
        new PretrainingEngine(options ?? Options, run, hooks).Train(data, sampler, method, backbone, resumeFrom);
        return new Outcome(losses.Losses, counting.Counter);
    }

    /// <summary>Random resized crops plus a counter that its own hook advances each epoch: stands for a sampler's boxes.</summary>
    private sealed class CountingSampler : ICropSampler, IStatefulPlugin, IHookProvider
    {
        private readonly RandomResizedCropSampler crops = new(new RandomResizedCropOptions());
        public float Counter { get; set; }
        public CropBox Sample(in CropRequest request, Random random) => crops.Sample(request, random);
        public IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor> { ["counter"] = tensor(new[] { Counter }) };
        public void SetState(IReadOnlyDictionary<string, Tensor> state) => Counter = state["counter"].item<float>();
        public IEnumerable<HookBase> CreateHooks(HookContext context) => [new Advance(this)];

        private sealed class Advance(CountingSampler sampler) : HookBase
        {
            public override void AfterEpoch(TrainingState state) => sampler.Counter = sampler.Counter * 2 + state.Epoch;
        }
    }

    private sealed class CancelAfter(int? epoch, CancellationTokenSource cancel) : HookBase
    {
        public override void AfterEpoch(TrainingState state)
        {
            if (state.Epoch == epoch) cancel.Cancel();
        }
    }

    private sealed class LossRecorder : HookBase
    {
        public List<double> Losses { get; } = [];
        public override void AfterStep(TrainingState state, StepReport report) => Losses.Add(report.Loss);
    }
}

