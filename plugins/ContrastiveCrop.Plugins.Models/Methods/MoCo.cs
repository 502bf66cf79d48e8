using ContrastiveCrop.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// MoCo v2 (Chen et al., 2020; v1: He et al., 2019): a query encoder trained by InfoNCE against its
/// momentum-averaged key encoder's key and a queue of past keys. State: <c>backbone.*</c>,
/// <c>projector.*</c> (query), <c>key_backbone.*</c>, <c>key_projector.*</c> (EMA copies) and
/// <c>queue.keys</c> / <c>queue.pointer</c>.
/// </summary>
/// <remarks>
/// Keys are queued and the key encoder is updated in <see cref="AfterOptimizerStep"/>, i.e. after the
/// step that used the current queue; the reference does both inside its forward, which gives the
/// same sequence of queues and key encoders. Without several processes there is no shuffled batch
/// norm: the key encoder's batch norm sees the same batch composition as the query encoder's.
/// </remarks>
[Plugin("moco-v2", Description = "MoCo v2: momentum key encoder, queue of negative keys, MLP head, InfoNCE (τ 0.2).")]
public class MoCo : SiameseMethodBase
{
    private readonly Sequential projector;
    private readonly nn.Module<Tensor, Tensor> keyBackbone;
    private readonly Sequential keyProjector;
    private readonly KeyQueue queue;
    private readonly MoCoOptions options;
    // Keys of the batches since the last optimiser step, queued after it (more than one under gradient accumulation).
    private readonly List<Tensor> pendingKeys = [];

    /// <summary>Builds the query head, the key encoder as a copy of the query encoder, and the queue.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="NotSupportedException">The backbone cannot be copied for the key encoder.</exception>
    public MoCo(MoCoOptions options, IBackbone backbone) : this(options, backbone, []) { }

    /// <summary>
    /// For methods built on MoCo (CLSA): the query and key views, then <paramref name="extraViews"/>.
    /// </summary>
    protected MoCo(MoCoOptions options, IBackbone backbone, IReadOnlyList<ViewSpec> extraViews)
        : base(options.MlpHead ? "MoCoV2" : "MoCoV1", backbone,
               [new ViewSpec(options.Pipeline, options.ImageSize), new ViewSpec(options.Pipeline, options.ImageSize), .. extraViews])
    {
        OptionChecks.ThrowIfInvalid(options);
        this.options = options;
        int hidden = options.HiddenDim ?? backbone.FeatureDim;
        int layers = options.MlpHead ? 2 : 1;
        projector = AddTrainable("projector", CreateHead(hidden, options.ProjectionDim, layers));
        keyBackbone = AddMomentumCopy("key_backbone", CopyBackbone().Network);
        keyProjector = AddMomentumCopy("key_projector", CopyModule(projector, () => CreateHead(hidden, options.ProjectionDim, layers)));
        var keys = new KeyQueue(options.QueueSize, options.ProjectionDim);
        keys.to(ModuleState.DeviceOf(backbone.Network));
        queue = AddState("queue", keys);
    }

    /// <summary>The queue of negative keys.</summary>
    public KeyQueue Queue => queue;

    /// <summary>The key encoder's backbone (an EMA of <c>backbone</c>).</summary>
    public nn.Module<Tensor, Tensor> KeyBackbone => keyBackbone;

    /// <summary>The key encoder's head (an EMA of <c>projector</c>).</summary>
    public nn.Module<Tensor, Tensor> KeyProjector => keyProjector;

    /// <inheritdoc />
    public override MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress)
    {
        RequireViews(views);
        using var scope = NewDisposeScope();
        var q1 = Query(views[0]);
        var k2 = Key(views[1]);
        Tensor loss, similarity, newKeys;
        if (options.Symmetric)
        {
            var q2 = Query(views[1]);
            var k1 = Key(views[0]);
            loss = (InfoNceLoss.Compute(q1, k2, queue.Keys, options.Temperature)
                    + InfoNceLoss.Compute(q2, k1, queue.Keys, options.Temperature)) * 0.5;
            similarity = (PositiveSimilarity(q1, k2) + PositiveSimilarity(q2, k1)) * 0.5;
            newKeys = cat([k2, k1], 0);
        }
        else
        {
            loss = InfoNceLoss.Compute(q1, k2, queue.Keys, options.Temperature);
            similarity = PositiveSimilarity(q1, k2);
            newKeys = k2;
        }
        EnqueueAfterStep(newKeys);
        return new MethodStepOutput(loss.MoveToOuterDisposeScope(), similarity.MoveToOuterDisposeScope()) { Embeddings = q1.MoveToOuterDisposeScope() };
    }

    /// <summary>Moves the key encoder towards the query encoder, then queues the keys of the last step.</summary>
    public override void AfterOptimizerStep(TrainingProgress progress)
    {
        MomentumUpdate(Backbone.Network, keyBackbone, options.Momentum);
        MomentumUpdate(projector, keyProjector, options.Momentum);
        foreach (var keys in pendingKeys)
        {
            queue.Enqueue(keys);
            keys.Dispose();
        }
        pendingKeys.Clear();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var keys in pendingKeys) keys.Dispose();
            pendingKeys.Clear();
        }
        base.Dispose(disposing);
    }

    /// <summary>Queues <paramref name="keys"/> after the next optimiser step (it takes them out of the caller's dispose scope).</summary>
    protected void EnqueueAfterStep(Tensor keys) =>
        // The queue must not change before backward has used it, so queueing waits for AfterOptimizerStep.
        pendingKeys.Add(keys.DetachFromDisposeScope());

    /// <summary>L2-normalised query embedding of <paramref name="images"/> (online encoder, with gradient).</summary>
    protected Tensor Query(Tensor images) =>
        nn.functional.normalize(projector.call(Backbone.Network.call(images)), dim: 1);

    /// <summary>L2-normalised key embedding of <paramref name="images"/> (momentum encoder, no gradient).</summary>
    protected Tensor Key(Tensor images)
    {
        // Keys carry no gradient: the key encoder only follows the query encoder by EMA.
        using var noGrad = no_grad();
        return nn.functional.normalize(keyProjector.call(keyBackbone.call(images)), dim: 1);
    }
}
