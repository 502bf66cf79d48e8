using ContrastiveCrop.Contracts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// SimSiam (Chen &amp; He, 2021): one encoder with a 3-layer projector (BN after every layer, the
/// last without affine) and a bottleneck predictor; loss ½·D(p₁, sg(z₂)) + ½·D(p₂, sg(z₁)) with
/// D the negative cosine and sg the stop-gradient. State: <c>backbone.*</c>, <c>projector.*</c>,
/// <c>predictor.*</c>.
/// </summary>
/// <remarks>
/// The reference holds the predictor's learning rate fixed (<c>fix_pred_lr</c>); recipes do that
/// with <c>pretrain.fixed_lr_parameters: [predictor.]</c>.
/// </remarks>
[Plugin("simsiam", Description = "SimSiam: projector + bottleneck predictor, stop-gradient, symmetric negative cosine.")]
public sealed class SimSiam : SiameseMethodBase
{
    private readonly Sequential projector;
    private readonly Sequential predictor;

    /// <summary>Builds the projector and the predictor on top of <paramref name="backbone"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SimSiam(SimSiamOptions options, IBackbone backbone)
        : base(nameof(SimSiam), backbone, [new ViewSpec(options.Pipeline, options.ImageSize), new ViewSpec(options.Pipeline, options.ImageSize)])
    {
        OptionChecks.ThrowIfInvalid(options);
        projector = AddTrainable("projector",
            CreateHead(options.HiddenDim ?? backbone.FeatureDim, options.ProjectionDim, 3, hiddenBatchNorm: true, outputBatchNorm: true));
        predictor = AddTrainable("predictor",
            CreateHeadOn(options.ProjectionDim, options.PredictorHiddenDim, options.ProjectionDim, 2, hiddenBatchNorm: true));
    }

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        // One forward per view, as the reference does: batch norm statistics are per view.
        var z1 = projector.call(Backbone.Network.call(views[0]));
        var z2 = projector.call(Backbone.Network.call(views[1]));
        var p1 = predictor.call(z1);
        var p2 = predictor.call(z2);
        var loss = (NegativeCosineLoss.Compute(p1, z2) + NegativeCosineLoss.Compute(p2, z1)) * 0.5;
        var similarity = (PositiveSimilarity(p1, z2) + PositiveSimilarity(p2, z1)) * 0.5;
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), similarity.MoveToOuterDisposeScope()) { Embeddings = z1.MoveToOuterDisposeScope() };
    }
}
