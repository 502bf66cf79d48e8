using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using ContrastiveCrop.Tests.Sdk;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Engine;

/// <summary>
/// Pretraining with a momentum encoder while the GC runs all the time on another thread (as it may at any moment of
/// a long run): BYOL with ContrastiveCrop — box updates, a checkpoint every epoch, the target's τ reaching 1 at the last
/// step — and MoCo with its queue finish, and every BatchNorm counted exactly the batches it normalised in training
/// mode, in int64. Before the BatchNorm counting fix this failed in the first steps with TorchSharp's
/// "For integral input tensors, argument alpha must not be a floating point number" (or "Unknown scalar type").
/// </summary>
public class MomentumMethodGcTests
{
    private static readonly PretrainOptions Options = new()
    {
        Epochs = 3, BatchSize = 8, Lr = 0.05, WarmupEpochs = 1, ImageSize = 16, CheckpointEvery = 1, LogEvery = 1,
    };

    private const int Images = 48;
    private static readonly int Steps = Options.Epochs * (Images / Options.BatchSize);

    [Test]
    public void BYOL_with_ContrastiveCrop_trains_under_GC_pressure_and_counts_two_batches_per_step_in_every_BatchNorm()
    {
        var sampler = new ContrastiveCropSampler(new ContrastiveCropOptions { Alpha = 0.1, Threshold = 0.3, UpdateEpochs = 1 });
        var (method, collections) = Train(b => new Byol(new ByolOptions(ProjectionDim: 8, HiddenDim: 16), b), sampler);
        using var module = method.Module;

        Assert.That(collections, Is.GreaterThan(Steps), "the GC ran during the steps");
        Assert.That(sampler.Boxes.Count(b => b != NormalizedBox.Whole), Is.GreaterThan(0), "box updates ran");
        // Each step runs the online and the target encoder on both views: 2 training batches for every BatchNorm,
        // online or target; the box updates' passes are in eval mode and count none.
        var counts = Counters(method.Module);
        Assert.That(counts.Keys.Count(k => k.StartsWith("target_")), Is.GreaterThan(0));
        Assert.That(counts.Values.Select(c => c.Dtype).Distinct(), Is.EqualTo(new[] { ScalarType.Int64 }));
        Assert.That(counts.Where(kv => kv.Value.Count != 2 * Steps).Select(kv => $"{kv.Key}: {kv.Value.Count}"), Is.Empty,
            $"every BatchNorm counted {2 * Steps}");
    }

    [Test]
    public void MoCo_trains_under_GC_pressure_and_its_queue_pointer_advances_by_each_batch()
    {
        const int queue = 20;
        var (method, _) = Train(b => new MoCo(new MoCoOptions(ProjectionDim: 8, QueueSize: queue, Momentum: 0.9), b), new RandomResizedCropSampler(new RandomResizedCropOptions()));
        using var module = method.Module;

        var moco = (MoCo)method;
        // One key per image per step, written at the pointer and wrapping at K.
        Assert.That(moco.Queue.Pointer, Is.EqualTo(Steps * Options.BatchSize % queue));
        var counts = Counters(method.Module);
        Assert.That(counts["backbone.bn1.num_batches_tracked"].Count, Is.EqualTo(Steps), "one query batch per step");
        Assert.That(counts["key_backbone.bn1.num_batches_tracked"].Count, Is.EqualTo(Steps), "one key batch per step");
    }

    private static Dictionary<string, (long Count, ScalarType Dtype)> Counters(nn.Module module) =>
        module.state_dict().Where(kv => kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => (kv.Value.item<long>(), kv.Value.dtype));

    private static (ISiameseMethod Method, int Collections) Train(Func<IBackbone, ISiameseMethod> create, ICropSampler sampler)
    {
        var directory = RunDirectory.Create(TestFolders.NewTemp("gc-pressure"), "gc-pressure", DateTime.UtcNow);
        using var run = new RunContext(directory, CPU, 5, _ => { }, CancellationToken.None);
        manual_seed(3);
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: 0.0625, SmallDataStem: true));
        var method = create(backbone);
        using var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = Images, TestCount = 8, ImageSize = 16 }).Open("train");
        using var pressure = new GcPressure();
        new PretrainingEngine(Options, run).Train(data, sampler, method, backbone);
        pressure.Dispose();
        return (method, pressure.Collections);
    }
}
