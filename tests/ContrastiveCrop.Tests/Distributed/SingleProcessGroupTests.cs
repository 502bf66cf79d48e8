using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Sdk.Distributed;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>A run in one process: every collective is an identity, so plugins that use the group behave as before.</summary>
[TestFixture]
public sealed class SingleProcessGroupTests
{
    [Test]
    public void Collectives_leave_values_unchanged_and_gather_copies()
    {
        var group = SingleProcessGroup.Instance;
        var t = tensor(new float[] { 1, -2, 3 });
        group.AllReduce(t, ReduceOp.Sum);
        group.Broadcast(t, 0);
        group.Barrier();
        Assert.That(t.data<float>().ToArray(), Is.EqualTo(new float[] { 1, -2, 3 }));
        using var gathered = group.AllGather(t);
        gathered[0] = 9f;
        Assert.That(t.data<float>()[0], Is.EqualTo(1f), "all-gather must not alias its input");
        Assert.Throws<ArgumentOutOfRangeException>(() => group.Broadcast(t, 1));
    }

    [Test]
    public void Run_services_offer_the_single_process_group_when_the_host_has_none()
    {
        var run = new ContrastiveCrop.Tests.Distributed.SingleProcessGroupTests.NoServicesRun();
        Assert.That(RunServices.ProcessGroup(run), Is.SameAs(SingleProcessGroup.Instance));
    }

    [Test]
    public void Nt_xent_with_a_group_of_one_is_the_plain_loss_and_gather_keeps_the_gradient()
    {
        manual_seed(3);
        var a = randn(5, 4).requires_grad_(true);
        var b = randn(5, 4);
        var plain = NtXentLoss.Compute(a, b, 0.5);
        var grouped = NtXentLoss.Compute(a, b, 0.5, SingleProcessGroup.Instance);
        Assert.That(grouped.item<float>(), Is.EqualTo(plain.item<float>()));
        var gathered = DistributedGather.WithGradient(SingleProcessGroup.Instance, a);
        gathered.sum().backward();
        Assert.That(a.grad!.data<float>().ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void Gradient_averaging_in_one_process_leaves_gradients_unchanged()
    {
        var module = nn.Linear(3, 2);
        module.forward(ones(1, 3)).sum().backward();
        var before = module.weight!.grad!.clone();
        new GradientAveragingHook(SingleProcessGroup.Instance, module).Average();
        Assert.That(module.weight!.grad!.equal(before).all().item<bool>(), Is.True);
        Assert.That(before.data<float>().ToArray(), Is.All.EqualTo(1f));
    }

    internal sealed class NoServicesRun : ContrastiveCrop.Contracts.IRunContext
    {
        public string RunDirectory => "";
        public Device Device => CPU;
        public long Seed => 0;
        public CancellationToken Cancellation => CancellationToken.None;
        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) { }
        public void Log(string message) { }
    }
}
