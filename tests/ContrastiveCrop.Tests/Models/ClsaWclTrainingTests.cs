using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>A few SGD steps on one tiny batch lower the CLSA and WCL losses, as in <see cref="TrainingTests"/>.</summary>
public class ClsaWclTrainingTests
{
    [SetUp]
    public void Seed() => manual_seed(37);

    [Test]
    public void WCL_steps_lower_the_loss()
    {
        using var method = new Wcl(new WclOptions(ProjectionDim: 32), TinyProblem.Backbone());
        var (before, after) = TrainingTests.Train(method);
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    [Test]
    public void CLSA_queues_only_the_keys_of_the_key_view()
    {
        using var method = new Clsa(new ClsaOptions(QueueSize: 64, Momentum: 0.99), TinyProblem.Backbone());
        Assert.That(method.Views.Select(v => v.Pipeline), Is.EqualTo(new[] { "moco-v2", "moco-v2", "clsa-strong" }));
        using var scope = NewDisposeScope();
        var two = TinyProblem.Views(8, seed: 5);

        method.ComputeLoss([two[0], two[1], two[0]], default);
        method.AfterOptimizerStep(default);

        Assert.That(method.Queue.Pointer, Is.EqualTo(8), "one key per image: the strong view adds no keys");
    }

    [Test]
    public void CLSA_steps_lower_the_loss()
    {
        using var method = new Clsa(new ClsaOptions(QueueSize: 64, Momentum: 0.99), TinyProblem.Backbone());
        // The strong view: the first view with heavier noise.
        var (before, after) = TrainingTests.Train(method, method.Queue, two => [two[0], two[1], two[0] + 0.5 * randn_like(two[0])]);
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }
}
