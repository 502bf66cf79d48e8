using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Splits a method's trainable parameters into SGD groups: weight decay or none (norm weights and
/// biases, when excluded) × scheduled or fixed learning rate (name prefixes).
/// </summary>
public static class OptimizerFactory
{
    /// <summary>The groups for <paramref name="method"/> under <paramref name="options"/>; empty groups are left out.</summary>
    public static IReadOnlyList<ParameterGroup> Groups(ISiameseMethod method, PretrainOptions options)
    {
        var trainable = method.TrainableParameters.Select(p => p.Handle).ToHashSet();
        var named = method.Module.named_parameters().Where(p => trainable.Contains(p.parameter.Handle)).ToList();
        if (named.Count != trainable.Count)
            throw new InvalidOperationException(
                $"{method.GetType().Name}: {trainable.Count - named.Count} trainable parameter(s) are not registered in its Module; they could not be checkpointed.");
        return named
            .GroupBy(p => (Decay: !(options.ExcludeNormAndBiasFromWeightDecay && IsNormOrBias(p.parameter)),
                           Fixed: options.FixedLrParameters.Any(prefix => p.name.StartsWith(prefix, StringComparison.Ordinal))))
            .OrderBy(g => g.Key.Decay ? 0 : 1).ThenBy(g => g.Key.Fixed ? 1 : 0)
            .Select(g => new ParameterGroup(g.Select(p => (p.name, p.parameter)).ToList(), g.Key.Decay ? options.WeightDecay : 0, g.Key.Fixed))
            .ToList();
    }

    // Batch-norm weights and biases and every bias are 1-D; weights of linear and conv layers are not.
    private static bool IsNormOrBias(TorchSharp.torch.Tensor parameter) => parameter.ndim <= 1;
}
