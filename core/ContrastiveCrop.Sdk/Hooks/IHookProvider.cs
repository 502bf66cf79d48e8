using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Evaluation;

namespace ContrastiveCrop.Sdk.Hooks;

/// <summary>
/// Implemented by a plugin (a crop sampler, a method, a downstream task) that contributes hooks to the
/// stage it takes part in: ContrastiveCrop's box updates, WCL's neighbour table. The host asks every
/// plugin of a stage, so the engine never needs to know which plugin wants what.
/// </summary>
public interface IHookProvider
{
    /// <summary>The hooks this plugin adds to the stage described by <paramref name="context"/>.</summary>
    IEnumerable<HookBase> CreateHooks(HookContext context);
}

/// <summary>What a hook provider may use: the run, the stage, and for pretraining the backbone and the un-augmented training images.</summary>
/// <param name="Stage">The stage's name, e.g. <c>pretrain</c>; it prefixes metrics.</param>
/// <param name="Run">Run folder, device, seed, metrics, log.</param>
/// <param name="Backbone">The backbone being trained, when the stage has one.</param>
/// <param name="TrainingData">The stage's training images, un-augmented, when it reads an image data set.</param>
/// <param name="FeaturePass">The eval-mode feature pass configured for the stage (batch size, input size).</param>
public sealed record HookContext(string Stage, IRunContext Run, IBackbone? Backbone, IImageDataset? TrainingData, EvalFeaturePass FeaturePass);
