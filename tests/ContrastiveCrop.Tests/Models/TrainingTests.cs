using NUnit.Framework;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>
/// A few SGD steps on a tiny random problem lower each method's loss: the same 8 random 16-pixel
/// images, each seen as two noisy views, for 8 steps (fitting one batch, the usual check that the
/// loss and its gradients agree). MoCo's queue is first filled with keys of 64 other images (a random
/// queue would make the first loss trivially small) and put back after every step, so the loss is
/// always measured against the same negatives and an image never meets its own earlier key among
/// them; queueing itself is covered by <see cref="MoCoTests"/> and <see cref="KeyQueueTests"/>.
/// </summary>
public class TrainingTests
{
    private const int Batch = 8;
    private const int Steps = 8;

    [SetUp]
    public void Seed() => manual_seed(31);

    [Test]
    public void SimCLR_steps_lower_the_loss()
    {
        using var method = new SimClr(new SimClrOptions(), TinyProblem.Backbone());
        var (before, after) = Train(method);
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void MoCo_v2_steps_lower_the_loss(bool symmetric)
    {
        using var method = new MoCo(new MoCoOptions(QueueSize: 64, Momentum: 0.99, Symmetric: symmetric), TinyProblem.Backbone());
        var (before, after) = Train(method, method.Queue);
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    [Test]
    public void MoCo_v1_steps_lower_the_loss()
    {
        using var method = new MoCoV1(new MoCoV1Options(QueueSize: 64, Momentum: 0.99), TinyProblem.Backbone());
        var (before, after) = Train(method, method.Queue);
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    [Test]
    public void BYOL_steps_lower_the_loss()
    {
        using var method = new Byol(new ByolOptions(ProjectionDim: 16, HiddenDim: 32), TinyProblem.Backbone());
        var (before, after) = Train(method);
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }

    [Test]
    public void SimSiam_steps_lower_the_loss()
    {
        using var method = new SimSiam(new SimSiamOptions(ProjectionDim: 32, PredictorHiddenDim: 8), TinyProblem.Backbone());
        var (before, after) = Train(method);
        // The loss is a negative cosine in [−1, 1]: require a drop of a tenth of its range.
        Assert.That(after, Is.LessThan(before - 0.2), $"loss {before} → {after}");
    }

    /// <summary>
    /// Fits one batch for <see cref="Steps"/> steps and returns the first and last loss.
    /// <paramref name="views"/> turns the two noisy views into the method's views (e.g. adds CLSA's strong view).
    /// </summary>
    internal static (float Before, float After) Train(ISiameseMethod method, KeyQueue? queue = null, Func<Tensor[], Tensor[]>? views = null)
    {
        using var scope = NewDisposeScope();
        views ??= two => two;
        var batch = views(TinyProblem.Views(Batch, seed: 5));
        Tensor? negatives = null;
        if (queue is not null)
        {
            // Without an optimiser step the query and key encoders stay equal, so this only queues keys.
            var others = TinyProblem.Views(queue.Capacity, seed: 6);
            for (int b = 0; b < queue.Capacity / Batch; b++)
            {
                method.ComputeLoss(views([others[0].narrow(0, b * Batch, Batch), others[1].narrow(0, b * Batch, Batch)]), default);
                method.AfterOptimizerStep(default);
            }
            negatives = queue.Keys.clone();
        }
        var optimizer = optim.SGD(method.TrainableParameters, learningRate: 0.05, momentum: 0.9);

        var losses = new List<float>();
        for (int step = 0; step <= Steps; step++)
        {
            var progress = new TrainingProgress(0, 1, step, Steps);
            optimizer.zero_grad();
            var loss = method.ComputeLoss(batch, progress).Loss;
            losses.Add(loss.item<float>());
            if (step == Steps) break;
            loss.backward();
            optimizer.step();
            method.AfterOptimizerStep(progress);
            if (queue is not null)
                using (no_grad()) queue.Keys.copy_(negatives!);
        }
        TestContext.Out.WriteLine($"losses: {string.Join(", ", losses.Select(l => l.ToString("F4")))}");
        return (losses[0], losses[^1]);
    }
}
