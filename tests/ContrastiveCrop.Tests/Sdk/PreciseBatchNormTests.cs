using ContrastiveCrop.Sdk.Training;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Sdk;

[TestFixture]
public sealed class PreciseBatchNormTests
{
    /// <summary>Two BatchNorms in a row; the second is kept in inference mode through train(), as a frozen norm is.</summary>
    private sealed class WithFrozenNorm : nn.Module<Tensor, Tensor>
    {
        // Field names are the state_dict names.
        private readonly BatchNorm2d trained;
        private readonly BatchNorm2d kept;

        public WithFrozenNorm() : base(nameof(WithFrozenNorm))
        {
            trained = nn.BatchNorm2d(3);
            kept = nn.BatchNorm2d(3);
            RegisterComponents();
        }

        public BatchNorm2d Trained => trained;
        public BatchNorm2d Kept => kept;

        public override Tensor forward(Tensor x) => kept.call(trained.call(x));

        public override void train(bool on = true)
        {
            base.train(on);
            kept.eval();
        }
    }

    [Test]
    public void Running_statistics_become_the_plain_average_of_the_batches_means_and_unbiased_variances()
    {
        var model = new WithFrozenNorm();
        var batches = Enumerable.Range(0, 4).Select(b => randn(2, 3, 5, 5, generator: new Generator((ulong)b + 1)).mul(b + 1).add(b)).ToList();
        using (no_grad())
        {
            model.Kept.running_mean!.fill_(7);
            model.Kept.running_var!.fill_(9);
        }
        model.train();

        var updated = PreciseBatchNorm.Update(model, batches.Count, b => model.call(batches[b]));

        // Independent truth: per channel, the mean over the batches of each batch's mean and of its unbiased variance.
        var expectedMean = stack(batches.Select(x => x.mean([0, 2, 3])).ToList()).mean([0]);
        var expectedVar = stack(batches.Select(x => x.var([0, 2, 3], unbiased: true)).ToList()).mean([0]);
        Assert.That(updated, Is.EqualTo(new[] { model.Trained }), "only the norm in training mode");
        Assert.That(model.Trained.running_mean!.allclose(expectedMean, rtol: 1e-5, atol: 1e-6), Is.True);
        Assert.That(model.Trained.running_var!.allclose(expectedVar, rtol: 1e-5, atol: 1e-6), Is.True);
        Assert.That(model.Kept.running_mean!.equal(full(3, 7f)).all().item<bool>(), Is.True, "a norm kept in inference mode is left alone");
        Assert.That(model.Kept.running_var!.equal(full(3, 9f)).all().item<bool>(), Is.True);
        Assert.That(model.training && model.Trained.training && !model.Kept.training, Is.True, "modes are unchanged");
        Assert.That(model.Trained.momentum, Is.EqualTo(0.1), "the momentum is restored");
    }

    [Test]
    public void A_norm_that_runs_twice_in_a_pass_is_named_and_the_statistics_from_before_come_back()
    {
        var norm = nn.BatchNorm2d(3);
        using (no_grad())
        {
            norm.running_mean!.fill_(2);
            norm.running_var!.fill_(5);
        }
        norm.train();
        var input = randn(2, 3, 4, 4, generator: new Generator(9));

        var error = Assert.Throws<InvalidOperationException>(() => PreciseBatchNorm.Update(norm, 3, _ => norm.call(norm.call(input))));

        Assert.That(error!.Message, Does.Contain("ran 2 times"));
        Assert.That(norm.running_mean!.equal(full(3, 2f)).all().item<bool>() && norm.running_var!.equal(full(3, 5f)).all().item<bool>(), Is.True);
        Assert.That(norm.momentum, Is.EqualTo(0.1));
    }
}
