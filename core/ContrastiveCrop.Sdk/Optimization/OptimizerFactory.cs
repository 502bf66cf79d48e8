using TorchSharp.Modules;

namespace ContrastiveCrop.Sdk.Optimization;

/// <summary>How a stage's parameters are grouped for SGD.</summary>
/// <param name="WeightDecay">L2 penalty of the decayed group.</param>
/// <param name="ExcludeNormAndBias">No weight decay for 1-D parameters (norm weights and biases).</param>
/// <param name="FixedLrPrefixes">Parameters whose name starts with one of these keep the peak learning rate.</param>
/// <param name="NoDecay">A parameter-specific rule: true for parameters that get no weight decay (e.g. detection's batch-norm parameters).</param>
public sealed record ParameterGrouping(double WeightDecay, bool ExcludeNormAndBias = false, IReadOnlyList<string>? FixedLrPrefixes = null,
                                       Func<string, Parameter, bool>? NoDecay = null);

/// <summary>
/// Splits named trainable parameters into SGD groups: weight decay or none × scheduled or fixed
/// learning rate. Decayed groups come first, then scheduled before fixed; empty groups are left out.
/// </summary>
public static class OptimizerFactory
{
    /// <summary>The groups of <paramref name="named"/> (state_dict names, trainable parameters only) under <paramref name="grouping"/>.</summary>
    public static IReadOnlyList<ParameterGroup> Groups(IReadOnlyList<(string Name, Parameter Parameter)> named, ParameterGrouping grouping)
    {
        var fixedPrefixes = grouping.FixedLrPrefixes ?? [];
        return named
            .GroupBy(p => (Decay: !((grouping.ExcludeNormAndBias && IsNormOrBias(p.Parameter)) || (grouping.NoDecay?.Invoke(p.Name, p.Parameter) ?? false)),
                           Fixed: fixedPrefixes.Any(prefix => p.Name.StartsWith(prefix, StringComparison.Ordinal))))
            .OrderBy(g => g.Key.Decay ? 0 : 1).ThenBy(g => g.Key.Fixed ? 1 : 0)
            .Select(g => new ParameterGroup(g.ToList(), g.Key.Decay ? grouping.WeightDecay : 0, g.Key.Fixed))
            .ToList();
    }

    /// <summary>
    /// The named parameters of <paramref name="module"/> that are in <paramref name="trainable"/>; throws when a
    /// trainable parameter is not registered in the module (it could not be checkpointed).
    /// </summary>
    public static IReadOnlyList<(string Name, Parameter Parameter)> Named(TorchSharp.torch.nn.Module module, IEnumerable<Parameter> trainable, string owner)
    {
        var handles = trainable.Select(p => p.Handle).ToHashSet();
        var named = module.named_parameters().Where(p => handles.Contains(p.parameter.Handle)).Select(p => (p.name, p.parameter)).ToList();
        if (named.Count != handles.Count)
            throw new InvalidOperationException(
                $"{owner}: {handles.Count - named.Count} trainable parameter(s) are not registered in its Module; they could not be checkpointed.");
        return named;
    }

    // Batch-norm weights and biases and every bias are 1-D; weights of linear and conv layers are not.
    private static bool IsNormOrBias(TorchSharp.torch.Tensor parameter) => parameter.ndim <= 1;
}
