using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins;

/// <summary>Copies and blends the tensors of two modules of identical architecture, matched by state_dict name.</summary>
internal static class ModuleState
{
    /// <summary>Overwrites every parameter and buffer of <paramref name="target"/> with <paramref name="source"/>'s values.</summary>
    public static void CopyInto(nn.Module source, nn.Module target)
    {
        var from = source.state_dict();
        var to = target.state_dict();
        RequireSameKeys(from.Keys, to.Keys, source, target);
        using var noGrad = no_grad();
        foreach (var (name, value) in from)
            to[name].copy_(value);
    }

    /// <summary>
    /// target ← m·target + (1 − m)·online for every parameter, in place and without autograd.
    /// Buffers (batch-norm statistics) are left alone: MoCo and BYOL let the target keep its own.
    /// </summary>
    public static void MomentumUpdate(nn.Module online, nn.Module target, double momentum)
    {
        var targetParameters = target.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var onlineParameters = online.named_parameters().ToList();
        RequireSameKeys(onlineParameters.Select(p => p.name), targetParameters.Keys, online, target);
        using var noGrad = no_grad();
        // Explicit Scalars held by `using`: TorchSharp 0.107 passes an implicit Scalar's handle to native code without
        // keeping it alive, so a GC on another thread may free it mid-call (see SgdOptimizer.Step).
        using var keep = momentum.ToScalar();
        using var blend = (1.0 - momentum).ToScalar();
        foreach (var (name, parameter) in onlineParameters)
            targetParameters[name].mul_(keep).add_(parameter, blend);
    }

    /// <summary>The device of the module's first parameter or buffer; CPU for an empty module.</summary>
    public static Device DeviceOf(nn.Module module) =>
        module.parameters().Select(p => p.device).Concat(module.buffers().Select(b => b.device)).FirstOrDefault() ?? CPU;

    private static void RequireSameKeys(IEnumerable<string> a, IEnumerable<string> b, nn.Module source, nn.Module target)
    {
        var left = a.ToHashSet();
        if (left.SetEquals(b)) return;
        var missing = left.Except(b).Concat(b.Except(left)).Take(5);
        throw new ArgumentException(
            $"Modules '{source.GetName()}' and '{target.GetName()}' do not have the same architecture " +
            $"(first differing tensors: {string.Join(", ", missing)}).");
    }
}
