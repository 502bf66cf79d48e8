using TorchSharp.Modules;

namespace ContrastiveCrop.Sdk.Optimization;

/// <summary>Parameters that share a weight decay and a learning-rate policy.</summary>
/// <param name="Parameters">The parameters with their state_dict names (the names key the momentum buffers).</param>
/// <param name="WeightDecay">L2 penalty added to the gradient.</param>
/// <param name="FixedLearningRate">True when the learning rate stays at its peak instead of following the schedule (SimSiam's predictor).</param>
public sealed record ParameterGroup(IReadOnlyList<(string Name, Parameter Parameter)> Parameters, double WeightDecay, bool FixedLearningRate)
{
    /// <summary>The rate this group's next step uses.</summary>
    public double LearningRate { get; set; }
}
