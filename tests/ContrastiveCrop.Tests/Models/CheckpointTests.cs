using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>ISiameseMethod.Module holds everything a resume needs, including the queue and its pointer.</summary>
public class CheckpointTests
{
    [Test]
    public void MoCo_state_round_trips_through_TorchSharp_save_and_load()
    {
        using var scope = NewDisposeScope();
        manual_seed(41);
        using var trained = new MoCo(new MoCoOptions(ProjectionDim: 16, QueueSize: 12, Momentum: 0.5), TinyProblem.Backbone());
        trained.ComputeLoss(TinyProblem.Views(5, seed: 7), default);
        using (no_grad())
            foreach (var p in trained.TrainableParameters) p.add_(0.01);
        trained.AfterOptimizerStep(default);
        manual_seed(42);
        using var resumed = new MoCo(new MoCoOptions(ProjectionDim: 16, QueueSize: 12, Momentum: 0.5), TinyProblem.Backbone());

        // TorchSharp's Stream overloads close the stream, so go through the bytes.
        byte[] checkpoint;
        using (var output = new MemoryStream())
        {
            trained.Module.save(output);
            checkpoint = output.ToArray();
        }
        resumed.Module.load(new MemoryStream(checkpoint));

        Assert.That(resumed.Queue.Pointer, Is.EqualTo(5));
        var expected = trained.state_dict();
        var actual = resumed.state_dict();
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        Assert.That(expected.Where(kv => !kv.Value.eq(actual[kv.Key]).all().item<bool>()).Select(kv => kv.Key), Is.Empty);
    }
}
