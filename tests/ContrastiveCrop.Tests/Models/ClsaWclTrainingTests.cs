using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Tests;

/// <summary>A few SGD steps on one tiny batch lower the CLSA and WCL losses (as in <see cref="TrainingTests"/>).</summary>
public class ClsaWclTrainingTests
{
    private const int Batch = 8;
    private const int Steps = 8;

    [SetUp]
    public void Seed() => manual_seed(37);

    [Test]
    public void WclStepsLowerTheLoss()
    {
        using var method = new Wcl(new WclOptions(ProjectionDim: 32), TinyProblem.Backbone());
        var views = TinyProblem.Views(Batch, seed: 5);
        var (before, after) = Fit(method, views, () => { });
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    [Test]
    public void ClsaStepsLowerTheLossAndQueueOnlyTheKeys()
    {
        using var method = new Clsa(new ClsaOptions(QueueSize: 64, Momentum: 0.99), TinyProblem.Backbone());
        Assert.That(method.Views.Select(v => v.Pipeline), Is.EqualTo(new[] { "moco-v2", "moco-v2", "clsa-strong" }));
        var two = TinyProblem.Views(Batch, seed: 5);
        var strong = two[0] + 0.5 * randn_like(two[0]);
        // Fill the queue with keys of other images first, then keep it fixed (see TrainingTests).
        var others = TinyProblem.Views(64, seed: 6);
        for (int b = 0; b < 64 / Batch; b++)
        {
            var slice = others.Select(v => v.narrow(0, b * Batch, Batch)).ToArray();
            method.ComputeLoss([slice[0], slice[1], slice[0]], default);
            method.AfterOptimizerStep(default);
        }
        Assert.That(method.Queue.Pointer, Is.EqualTo(0), "one key per image per step: 64 keys wrap a 64-slot queue exactly");
        var negatives = method.Queue.Keys.clone();

        var (before, after) = Fit(method, [two[0], two[1], strong], () => { using (no_grad()) method.Queue.Keys.copy_(negatives); });

        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    private static (float Before, float After) Fit(ISiameseMethod method, Tensor[] views, Action afterStep)
    {
        var optimizer = optim.SGD(method.TrainableParameters, learningRate: 0.05, momentum: 0.9);
        var losses = new List<float>();
        for (int step = 0; step <= Steps; step++)
        {
            using var scope = NewDisposeScope();
            var progress = new TrainingProgress(0, 1, step, Steps);
            optimizer.zero_grad();
            var loss = method.ComputeLoss(views, progress).Loss;
            losses.Add(loss.item<float>());
            if (step == Steps) break;
            loss.backward();
            optimizer.step();
            method.AfterOptimizerStep(progress);
            afterStep();
        }
        TestContext.Out.WriteLine($"losses: {string.Join(", ", losses.Select(l => l.ToString("F4")))}");
        return (losses[0], losses[^1]);
    }
}
