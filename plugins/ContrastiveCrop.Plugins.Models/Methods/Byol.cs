using ContrastiveCrop.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// BYOL (Grill et al., 2020): an online encoder + projector + predictor regresses the projection
/// of the other view made by a target encoder + projector, an EMA of the online ones. Symmetric
/// normalised-MSE loss. State: <c>backbone.*</c>, <c>projector.*</c>, <c>predictor.*</c>,
/// <c>target_backbone.*</c>, <c>target_projector.*</c>.
/// </summary>
/// <remarks>
/// The loss is the paper's symmetrised sum (2 − 2cos(p₁, z₂)) + (2 − 2cos(p₂, z₁)); ContrastiveCrop's
/// −2·(cos + cos) differs by the constant 4 only. The target is updated after each optimiser step with
/// the τ of that step; the reference updates before the next forward, which is the same sequence.
/// </remarks>
[Plugin("byol", Description = "BYOL: online predictor regresses an EMA target's projection (2 − 2cos), symmetric, τ 0.996 → 1.")]
public sealed class Byol : SiameseMethodBase
{
    private readonly Sequential projector;
    private readonly Sequential predictor;
    private readonly nn.Module<Tensor, Tensor> targetBackbone;
    private readonly Sequential targetProjector;
    private readonly ByolOptions options;

    /// <summary>Builds the online heads and the target as a copy of the online encoder and projector.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public Byol(ByolOptions options, IBackbone backbone)
        : base(nameof(Byol), backbone, [new ViewSpec(options.Pipeline, options.ImageSize), new ViewSpec(options.SecondPipeline, options.ImageSize)])
    {
        OptionChecks.ThrowIfInvalid(options);
        this.options = options;
        Sequential Projector() => CreateHead(options.HiddenDim, options.ProjectionDim, 2, hiddenBatchNorm: true);
        projector = AddTrainable("projector", Projector());
        predictor = AddTrainable("predictor", CreateHeadOn(options.ProjectionDim, options.HiddenDim, options.ProjectionDim, 2, hiddenBatchNorm: true));
        targetBackbone = AddMomentumCopy("target_backbone", CopyBackbone().Network);
        targetProjector = AddMomentumCopy("target_projector", CopyModule(projector, Projector));
    }

    /// <summary>The target encoder's backbone (an EMA of <c>backbone</c>).</summary>
    public nn.Module<Tensor, Tensor> TargetBackbone => targetBackbone;

    /// <summary>The target encoder's projector (an EMA of <c>projector</c>).</summary>
    public nn.Module<Tensor, Tensor> TargetProjector => targetProjector;

    /// <summary>
    /// τ after the fraction <paramref name="fraction"/> of training: 1 − (1 − τ_base)·(cos(π·fraction) + 1)/2
    /// for the cosine schedule (τ_base at the start, 1 at the end), τ_base for the constant one.
    /// </summary>
    public static double TargetMomentum(double baseMomentum, string schedule, double fraction) =>
        schedule == "constant" ? baseMomentum : 1 - (1 - baseMomentum) * (Math.Cos(Math.PI * fraction) + 1) / 2;

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        // One forward per view, as the reference does: batch norm statistics are per view.
        var p1 = Predict(views[0]);
        var p2 = Predict(views[1]);
        var z1 = Target(views[0]);
        var z2 = Target(views[1]);
        var loss = NormalizedMseLoss.Compute(p1, z2) + NormalizedMseLoss.Compute(p2, z1);
        var similarity = (PositiveSimilarity(p1, z2) + PositiveSimilarity(p2, z1)) * 0.5;
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), similarity.MoveToOuterDisposeScope()) { Embeddings = z1.MoveToOuterDisposeScope() };
    }

    private Tensor Predict(Tensor images) => predictor.call(projector.call(Backbone.Network.call(images)));

    private Tensor Target(Tensor images)
    {
        using var noGrad = no_grad();
        return targetProjector.call(targetBackbone.call(images));
    }

    /// <summary>Moves the target towards the online encoder and projector with this step's τ.</summary>
    public override void AfterOptimizerStep(TrainingProgress progress)
    {
        double tau = TargetMomentum(options.BaseMomentum, options.MomentumSchedule, progress.Fraction);
        MomentumUpdate(Backbone.Network, targetBackbone, tau);
        MomentumUpdate(projector, targetProjector, tau);
    }
}
