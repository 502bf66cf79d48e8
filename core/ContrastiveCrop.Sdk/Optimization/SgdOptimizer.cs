using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Optimization;

/// <summary>
/// SGD with momentum and weight decay in PyTorch's formulation (dampening 0, no Nesterov):
/// d = g + wd·p; b = d on the first step, else μ·b + d; p ← p − lr·b. The momentum buffers are keyed
/// by parameter name, so a checkpoint restores them regardless of parameter order.
/// </summary>
public sealed class SgdOptimizer(IReadOnlyList<ParameterGroup> groups, double momentum) : IDisposable
{
    private readonly Dictionary<string, Tensor> _buffers = [];

    /// <summary>The parameter groups, with their current learning rates.</summary>
    public IReadOnlyList<ParameterGroup> Groups => groups;

    /// <summary>Every trainable parameter.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> Parameters => groups.SelectMany(g => g.Parameters.Select(p => p.Parameter));

    /// <summary>The momentum buffers by parameter name (live tensors, owned by the optimiser).</summary>
    public IReadOnlyDictionary<string, Tensor> MomentumBuffers => _buffers;

    /// <summary>Zeroes every gradient in place.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.grad?.zero_();
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        // Scalars are created explicitly and held by `using`: TorchSharp 0.107 passes an implicit
        // Scalar's handle to native code without keeping it alive, so the GC may finalize it mid-call.
        using var momentumScalar = momentum.ToScalar();
        using var one = 1.ToScalar();
        foreach (var group in groups)
        {
            using var decay = group.WeightDecay.ToScalar();
            using var step = (-group.LearningRate).ToScalar();
            foreach (var (name, p) in group.Parameters)
            {
                if (p.grad is not { } grad) continue;
                using var scope = NewDisposeScope();
                var d = group.WeightDecay != 0 ? grad.add(p, decay) : grad;
                if (momentum != 0)
                {
                    if (_buffers.TryGetValue(name, out var buffer)) buffer.mul_(momentumScalar).add_(d, one);
                    else _buffers[name] = buffer = d.clone().DetachFromDisposeScope();
                    d = buffer;
                }
                p.add_(d, step);
            }
        }
    }

    /// <summary>Replaces the momentum buffers with copies of <paramref name="state"/> (by parameter name).</summary>
    public void LoadMomentumBuffers(IReadOnlyDictionary<string, Tensor> state)
    {
        var known = Parameters.Zip(groups.SelectMany(g => g.Parameters.Select(p => p.Name))).ToDictionary(x => x.Second, x => x.First);
        foreach (var buffer in _buffers.Values) buffer.Dispose();
        _buffers.Clear();
        foreach (var (name, value) in state)
        {
            if (!known.TryGetValue(name, out var p))
                throw new InvalidDataException($"The checkpoint has a momentum buffer for '{name}', which this model does not train.");
            _buffers[name] = value.to(p.dtype, p.device, copy: true).DetachFromDisposeScope();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var buffer in _buffers.Values) buffer.Dispose();
        _buffers.Clear();
    }
}
