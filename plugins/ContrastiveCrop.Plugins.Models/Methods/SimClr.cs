using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// SimCLR (Chen et al., 2020): two views per image through one encoder and an MLP projector; NT-Xent
/// over the 2N embeddings, with every rank's embeddings as negatives in a data-parallel job. State: <c>backbone.*</c>, <c>projector.*</c>.
/// </summary>
[Plugin("simclr", Description = "SimCLR: NT-Xent over two views with an MLP projector.")]
public sealed class SimClr : SiameseMethodBase, IUsesProcessGroup
{
    private IProcessGroup group = SingleProcessGroup.Instance;
    private readonly Sequential projector;
    private readonly double temperature;
    private readonly double lossScale;

    /// <summary>Builds the projector on top of <paramref name="backbone"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SimClr(SimClrOptions options, IBackbone backbone)
        : base(nameof(SimClr), backbone, [new ViewSpec(options.Pipeline, options.ImageSize), new ViewSpec(options.Pipeline, options.ImageSize)])
    {
        OptionChecks.ThrowIfInvalid(options);
        temperature = options.Temperature;
        lossScale = options.LossScale;
        projector = AddTrainable("projector",
            CreateHead(options.HiddenDim ?? backbone.FeatureDim, options.ProjectionDim, options.ProjectorLayers, options.ProjectorBatchNorm));
    }

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        long n = views[0].shape[0];
        // One forward over both views, as the reference does: batch norm sees all 2N images.
        var z = projector.call(Backbone.Network.call(cat([views[0], views[1]], 0)));
        var z1 = z.narrow(0, 0, n);
        var z2 = z.narrow(0, n, n);
        var loss = NtXentLoss.Compute(z1, z2, temperature, group) * lossScale;
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), PositiveSimilarity(z1, z2).MoveToOuterDisposeScope()) { Embeddings = z1.MoveToOuterDisposeScope() };
    }

    /// <inheritdoc />
    public void UseProcessGroup(IProcessGroup processGroup) => group = processGroup;
}
