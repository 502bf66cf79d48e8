using ContrastiveCrop.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// WCL (Zheng et al., ICCV 2021): head 1 trains with NT-Xent; head 2 groups the batch into weak
/// classes by the connected components of its 1-nearest-neighbour graph and trains with a
/// supervised contrastive loss whose labels come from the other view. Loss = sum of both.
/// </summary>
[Plugin("wcl", Description = "WCL: NT-Xent plus a supervised contrastive term on weak labels from the batch's 1-NN graph (swapped views).")]
public sealed class Wcl : SiameseMethodBase
{
    private readonly Sequential instanceHead;
    private readonly Sequential graphHead;
    private readonly WclOptions options;

    /// <summary>Builds both heads on <paramref name="backbone"/>.</summary>
    public Wcl(WclOptions options, IBackbone backbone)
        : base(nameof(Wcl), backbone, [new ViewSpec(options.Pipeline, options.ImageSize), new ViewSpec(options.Pipeline, options.ImageSize)])
    {
        OptionChecks.ThrowIfInvalid(options);
        this.options = options;
        int hidden = options.HiddenDim ?? backbone.FeatureDim;
        // The released code's heads: Linear, BatchNorm, ReLU, Linear.
        instanceHead = AddTrainable("head1", CreateHead(hidden, options.ProjectionDim, 2, hiddenBatchNorm: true));
        graphHead = AddTrainable("head2", CreateHead(hidden, options.ProjectionDim, 2, hiddenBatchNorm: true));
    }

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        long n = views[0].shape[0];
        var features = Backbone.Network.call(cat([views[0], views[1]], 0));
        var z = nn.functional.normalize(instanceHead.call(features), dim: 1);
        var h = nn.functional.normalize(graphHead.call(features), dim: 1);
        var (z1, z2) = (z.narrow(0, 0, n), z.narrow(0, n, n));
        var (h1, h2) = (h.narrow(0, 0, n), h.narrow(0, n, n));
        var loss = NtXentLoss.Compute(z1, z2, options.Temperature)
                   + WeakSupConLoss.Swapped(h1, h2, options.Temperature) * options.GraphWeight;
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), PositiveSimilarity(z1, z2).MoveToOuterDisposeScope());
    }
}
