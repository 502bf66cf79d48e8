using ContrastiveCrop.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MyMethod;

/// <summary>
/// A Siamese method in the style of SimSiam: two views through the backbone and a projector, a predictor on one
/// side, the other side's projection as a stop-gradient target, loss ½·D(p₁, sg(z₂)) + ½·D(p₂, sg(z₁)) with D the
/// negative cosine. Replace <see cref="ComputeLoss"/> with your objective.
/// </summary>
/// <remarks>
/// The host constructs the method with the options bound from <c>pretrain.method</c> and the backbone being trained
/// (already on the run's device), calls <see cref="ComputeLoss"/> once per batch on the training thread, steps the
/// optimiser over <see cref="TrainableParameters"/> and checkpoints every parameter and buffer of <see cref="Module"/>.
/// </remarks>
[Plugin("my-method", Description = "SimSiam-style method: projector, predictor, stop-gradient, symmetric negative cosine.")]
public sealed class MyMethod : nn.Module, ISiameseMethod
{
    private readonly IBackbone backbone;
    private readonly Sequential projector;
    private readonly Sequential predictor;

    /// <summary>Builds the heads on top of <paramref name="backbone"/>, on its device.</summary>
    public MyMethod(MyMethodOptions options, IBackbone backbone) : base("my-method")
    {
        this.backbone = backbone;
        Views = [new ViewSpec(options.Pipeline), new ViewSpec(options.Pipeline)];
        int dim = options.ProjectionDim, hidden = options.PredictorHiddenDim;
        projector = nn.Sequential(nn.Linear(backbone.FeatureDim, dim), nn.BatchNorm1d(dim), nn.ReLU(), nn.Linear(dim, dim));
        predictor = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, dim));
        // Registered by name: these names are the checkpoint's keys (backbone.*, projector.*, predictor.*).
        register_module("backbone", backbone.Network);
        register_module("projector", projector);
        register_module("predictor", predictor);
        var device = backbone.Network.parameters().First().device;
        projector.to(device);
        predictor.to(device);
    }

    /// <inheritdoc />
    public IReadOnlyList<ViewSpec> Views { get; }

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters => parameters();

    /// <inheritdoc />
    public MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        using var scope = NewDisposeScope();
        var z1 = projector.call(backbone.Network.call(views[0]));
        var z2 = projector.call(backbone.Network.call(views[1]));
        var p1 = predictor.call(z1);
        var p2 = predictor.call(z2);
        var loss = (NegativeCosine(p1, z2) + NegativeCosine(p2, z1)) * 0.5;
        using var _ = no_grad();
        var similarity = nn.functional.cosine_similarity(p1, z2, dim: 1).mean();
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), similarity.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public void AfterOptimizerStep(TrainingProgress progress) { }

    /// <summary>D(p, sg(z)) = −mean cosine(p, z) with no gradient into <paramref name="z"/>.</summary>
    public static Tensor NegativeCosine(Tensor p, Tensor z) => -nn.functional.cosine_similarity(p, z.detach(), dim: 1).mean();
}

/// <summary>
/// Options of <see cref="MyMethod"/>, bound from <c>pretrain.method</c>: snake_case keys map to these PascalCase init
/// properties (<c>projection_dim: 256</c> → <see cref="ProjectionDim"/>); invalid values stop the run before it starts,
/// with the recipe's file:line:column.
/// </summary>
public sealed record MyMethodOptions : IValidatableOptions
{
    /// <summary>Width of the projector's output and the predictor's input and output.</summary>
    public int ProjectionDim { get; init; } = 256;

    /// <summary>The predictor's bottleneck width.</summary>
    public int PredictorHiddenDim { get; init; } = 64;

    /// <summary>The augmentation pipeline of both views (ccrop's named pipelines, e.g. simclr, moco-v2, byol-1).</summary>
    public string Pipeline { get; init; } = "simclr";

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (ProjectionDim < 1) yield return new OptionError("projection_dim", $"must be at least 1; got {ProjectionDim}");
        if (PredictorHiddenDim < 1) yield return new OptionError("predictor_hidden_dim", $"must be at least 1; got {PredictorHiddenDim}");
        if (string.IsNullOrWhiteSpace(Pipeline)) yield return new OptionError("pipeline", "must name an augmentation pipeline");
    }
}
