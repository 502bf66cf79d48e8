using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Optimization;

/// <summary>Scales all gradients together so their joint L2 norm is at most a bound (PyTorch's clip_grad_norm_).</summary>
public static class GradientClipping
{
    /// <summary>Clips in place; returns the norm before clipping.</summary>
    public static double ClipByNorm(IEnumerable<TorchSharp.Modules.Parameter> parameters, double maxNorm)
    {
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return 0;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        double total = stack(grads.Select(g => g.norm())).norm().item<float>();
        // Same small epsilon as PyTorch, so a zero gradient is never divided by zero.
        double factor = maxNorm / (total + 1e-6);
        if (factor < 1)
            foreach (var g in grads) g.mul_(factor);
        return total;
    }
}
