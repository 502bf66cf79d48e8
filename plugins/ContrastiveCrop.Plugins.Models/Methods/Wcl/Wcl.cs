using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// WCL (Zheng et al., ICCV 2021): head 1 trains with NT-Xent; head 2 groups the batch into weak
/// classes by the connected components of its 1-nearest-neighbour graph and trains with a
/// supervised contrastive loss whose labels come from the other view. Loss = sum of both. In a data-parallel job
/// both terms (and the multi-crop ones) are over the global batch (<see cref="WclObjective"/>).
/// </summary>
/// <remarks>
/// Optional multi-crop (paper §3.4): <see cref="WclOptions.SmallCrops"/> low-resolution views after the
/// two large ones, each a positive of its image: loss += β·L_cNCE + γ·L_cswap (<see cref="MultiCropLoss"/>).
/// With KNN multi-crop (<see cref="WclOptions.KnnNeighbours"/> = K &gt; 0) WCL brings a
/// <see cref="NeighbourTableHook"/> that recomputes every image's K nearest neighbours after each epoch from
/// the warm-up on, and answers the loader (<see cref="IViewImageSelector"/>) so that the j-th small view of
/// image i is a crop of i's neighbour j mod K: more, and more varied, positives per weak label.
/// </remarks>
[Plugin("wcl", Description = "WCL: NT-Xent plus a supervised contrastive term on weak labels from the batch's 1-NN graph (swapped views); optional (KNN) multi-crop.")]
public sealed class Wcl : SiameseMethodBase, IHookProvider, IViewImageSelector, IUsesProcessGroup
{
    private IProcessGroup group = SingleProcessGroup.Instance;
    private readonly Sequential instanceHead;
    private readonly Sequential graphHead;
    private readonly WclOptions options;
    private NeighbourTable? neighbours;

    /// <summary>Builds both heads on <paramref name="backbone"/>.</summary>
    public Wcl(WclOptions options, IBackbone backbone)
        : base(nameof(Wcl), backbone, ViewsOf(options))
    {
        OptionChecks.ThrowIfInvalid(options);
        this.options = options;
        int hidden = options.HiddenDim ?? backbone.FeatureDim;
        // The released code's heads: Linear, BatchNorm, ReLU, Linear.
        instanceHead = AddTrainable("head1", CreateHead(hidden, options.ProjectionDim, 2, hiddenBatchNorm: true));
        graphHead = AddTrainable("head2", CreateHead(hidden, options.ProjectionDim, 2, hiddenBatchNorm: true));
    }

    /// <summary>The neighbour table of KNN multi-crop once the pretraining stage has created it; else null.</summary>
    public NeighbourTable? Neighbours => neighbours;

    /// <inheritdoc />
    public IEnumerable<HookBase> CreateHooks(HookContext context)
    {
        if (options.KnnNeighbours <= 0) yield break;
        var data = context.TrainingData ?? throw new InvalidOperationException($"wcl's KNN multi-crop needs the training images of stage '{context.Stage}'.");
        if (options.KnnNeighbours >= data.Count)
            throw new StageSetupException(
                $"pretrain.method.knn_neighbours is {options.KnnNeighbours}, but the data set has only {data.Count} images; lower it below the number of images.");
        neighbours = new NeighbourTable(data.Count, options.KnnNeighbours);
        yield return new NeighbourTableHook(neighbours, options.KnnWarmupEpochs, context.Backbone ?? Backbone, data, context.FeaturePass);
    }

    /// <inheritdoc />
    public int ImageFor(int index, int view) =>
        view >= 2 && neighbours is { IsReady: true } table ? table.Neighbour(index, (view - 2) % table.NeighbourCount) : index;

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        long n = views[0].shape[0];
        var features = Backbone.Network.call(cat([views[0], views[1]], 0));
        var z = nn.functional.normalize(instanceHead.call(features), dim: 1);
        var h = nn.functional.normalize(graphHead.call(features), dim: 1);
        Tensor? smallZ = null, smallH = null;
        if (options.SmallCrops > 0)
        {
            // The small views share one resolution, so one forward pass (its own BatchNorm statistics, as in SwAV).
            var small = Backbone.Network.call(cat(views.Skip(2).ToArray(), 0));
            smallZ = nn.functional.normalize(instanceHead.call(small), dim: 1);
            smallH = nn.functional.normalize(graphHead.call(small), dim: 1);
        }
        var loss = WclObjective.Compute(z, h, smallZ, smallH, n, options, group);
        var (z1, z2) = (z.narrow(0, 0, n), z.narrow(0, n, n));
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), PositiveSimilarity(z1, z2).MoveToOuterDisposeScope()) { Embeddings = z1.MoveToOuterDisposeScope() };
    }

    /// <inheritdoc />
    public void UseProcessGroup(IProcessGroup processGroup) => group = processGroup;

    /// <summary>Two large views, then the small ones with their own crop scale (from neighbours with KNN multi-crop).</summary>
    private static IReadOnlyList<ViewSpec> ViewsOf(WclOptions options)
    {
        var large = new ViewSpec(options.Pipeline, options.ImageSize);
        var scale = options.SmallCropScale is [var min, var max] ? new CropScale(min, max) : (CropScale?)null;
        var small = new ViewSpec(options.Pipeline, options.SmallImageSize) { Scale = scale };
        return [large, large, .. Enumerable.Repeat(small, Math.Max(0, options.SmallCrops))];
    }
}
