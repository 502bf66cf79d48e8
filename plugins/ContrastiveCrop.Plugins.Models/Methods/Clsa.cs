using ContrastiveCrop.Contracts;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// CLSA (Wang and Qi, 2021) on MoCo v2: a third, strongly augmented view whose retrieval
/// distribution over [key; queue] is supervised by the weak view's (DDM); loss = InfoNCE + β·DDM.
/// </summary>
[Plugin("clsa", Description = "CLSA: MoCo v2 plus a strongly augmented view supervised by the weak view's distribution (DDM).")]
public sealed class Clsa : MoCo
{
    private readonly ClsaOptions options;

    /// <summary>Builds CLSA's encoders, heads and queue on <paramref name="backbone"/>.</summary>
    public Clsa(ClsaOptions options, IBackbone backbone)
        : base(options, backbone, [new ViewSpec(options.StrongPipeline, options.StrongImageSize)]) =>
        this.options = options;

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        var weak = Query(views[0]);
        var keys = Key(views[1]);
        var strong = Query(views[2]);
        var contrastive = InfoNceLoss.Compute(weak, keys, Queue.Keys, options.Temperature);
        var divergence = DdmLoss.Compute(weak, strong, keys, Queue.Keys, options.Temperature);
        var loss = contrastive + divergence * options.Beta;
        EnqueueAfterStep(keys);
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), PositiveSimilarity(weak, keys).MoveToOuterDisposeScope()) { Embeddings = weak.MoveToOuterDisposeScope() };
    }
}
