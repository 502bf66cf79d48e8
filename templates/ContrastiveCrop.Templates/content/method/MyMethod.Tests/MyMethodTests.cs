using ContrastiveCrop.Contracts;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace MyMethod.Tests;

[TestFixture]
public sealed class MyMethodTests
{
    /// <summary>A backbone small enough for tests: flatten an 8×8 RGB image, one linear layer to 16 features.</summary>
    private sealed class TinyBackbone : IBackbone
    {
        public nn.Module<Tensor, Tensor> Network { get; } = nn.Sequential(nn.Flatten(), nn.Linear(3 * 8 * 8, 16));
        public int FeatureDim => 16;
        public Tensor FeatureMap(Tensor images) => Network.call(images).reshape(-1, 16, 1, 1);
        public Tensor Pool(Tensor featureMap) => featureMap.flatten(1);
        public IBackbone Copy() => throw new NotSupportedException();
    }

    [SetUp]
    public void Seed() => torch.manual_seed(0);

    [Test]
    public void The_negative_cosine_is_minus_one_for_parallel_vectors_and_one_for_opposite_ones()
    {
        var p = tensor(new float[] { 1, 2, 3, -1, 0, 2 }).reshape(2, 3);
        Assert.That(MyMethod.NegativeCosine(p, p * 4).item<float>(), Is.EqualTo(-1).Within(1e-6));
        Assert.That(MyMethod.NegativeCosine(p, -p).item<float>(), Is.EqualTo(1).Within(1e-6));
    }

    [Test]
    public void No_gradient_reaches_the_target_side()
    {
        var p = randn(4, 5, requires_grad: true);
        var z = randn(4, 5, requires_grad: true);
        MyMethod.NegativeCosine(p, z).backward();
        Assert.That(p.grad is not null && p.grad.abs().sum().item<float>() > 0, Is.True);
        Assert.That(z.grad is null || z.grad.abs().sum().item<float>() == 0, Is.True);
    }

    [Test]
    public void Training_on_one_batch_of_two_views_lowers_the_loss()
    {
        var method = new MyMethod(new MyMethodOptions { ProjectionDim = 32, PredictorHiddenDim = 8 }, new TinyBackbone());
        var images = rand(16, 3, 8, 8);
        var views = new[] { images + 0.05 * randn(16, 3, 8, 8), images + 0.05 * randn(16, 3, 8, 8) };
        var optimizer = optim.SGD(method.TrainableParameters, 0.05, momentum: 0.9);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            optimizer.zero_grad();
            var output = method.ComputeLoss(views, new TrainingProgress(0, 1, step, 60));
            output.Loss.backward();
            optimizer.step();
            float loss = output.Loss.item<float>();
            Assert.That(loss, Is.InRange(-1.0001, 1.0001));
            if (step == 0) first = loss;
            last = loss;
        }
        Assert.That(last, Is.LessThan(first - 0.2), $"loss went from {first} to {last}");
    }

    [Test]
    public void The_checkpoint_holds_the_backbone_and_both_heads_by_name()
    {
        var method = new MyMethod(new MyMethodOptions(), new TinyBackbone());
        var prefixes = method.Module.state_dict().Keys.Select(k => k.Split('.')[0]).Distinct().Order();
        Assert.That(prefixes, Is.EqualTo(new[] { "backbone", "predictor", "projector" }));
    }

    [Test]
    public void Invalid_options_are_reported_under_their_recipe_keys()
    {
        var errors = new MyMethodOptions { ProjectionDim = 0, PredictorHiddenDim = -1, Pipeline = " " }.Validate().Select(e => e.Key);
        Assert.That(errors, Is.EqualTo(new[] { "projection_dim", "predictor_hidden_dim", "pipeline" }));
    }
}
