using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Distributed;
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
/// same sequence of queues and key encoders. In a data-parallel job the key encoder's BatchNorm is shuffled
/// across ranks (<see cref="ShuffledKeyEncoding"/>) and every rank queues the keys of all ranks, in global-batch
/// order, so the queues of all ranks stay identical and equal to a single process's over the global batch. In one
/// process there is no shuffled BatchNorm: the key encoder's BatchNorm sees the same batch as the query encoder's.
/// </remarks>
[Plugin("moco-v2", Description = "MoCo v2: momentum key encoder, queue of negative keys, MLP head, InfoNCE (τ 0.2).")]
public class MoCo : SiameseMethodBase, IUsesProcessGroup
{
    private IProcessGroup group = SingleProcessGroup.Instance;
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
        Tensor loss, similarity;
        if (options.Symmetric)
        {
            var q2 = Query(views[1]);
            var k1 = Key(views[0]);
            loss = (InfoNceLoss.Compute(q1, k2, queue.Keys, options.Temperature)
                    + InfoNceLoss.Compute(q2, k1, queue.Keys, options.Temperature)) * 0.5;
            similarity = (PositiveSimilarity(q1, k2) + PositiveSimilarity(q2, k1)) * 0.5;
            // Queued as [all ranks' k2; all ranks' k1]: one process's cat([k2, k1]) over the global batch.
            EnqueueAfterStep(k2);
            EnqueueAfterStep(k1);
        }
        else
        {
            loss = InfoNceLoss.Compute(q1, k2, queue.Keys, options.Temperature);
            similarity = PositiveSimilarity(q1, k2);
            EnqueueAfterStep(k2);
        }
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

    /// <inheritdoc />
    public void UseProcessGroup(IProcessGroup processGroup) => group = processGroup;

    /// <summary>
    /// Queues this rank's <paramref name="keys"/> and, in a data-parallel job, those of every other rank (gathered, in
    /// rank order: the global batch's order) after the next optimiser step, so every rank's queue stays the same.
    /// </summary>
    protected void EnqueueAfterStep(Tensor keys)
    {
        // The queue must not change before backward has used it, so queueing waits for AfterOptimizerStep.
        var all = group.WorldSize == 1 ? keys.detach() : group.AllGather(keys.detach().contiguous());
        pendingKeys.Add(all.DetachFromDisposeScope());
    }

    /// <summary>L2-normalised query embedding of <paramref name="images"/> (online encoder, with gradient).</summary>
    protected Tensor Query(Tensor images) =>
        nn.functional.normalize(projector.call(Backbone.Network.call(images)), dim: 1);

    /// <summary>L2-normalised key embedding of <paramref name="images"/> (momentum encoder, no gradient).</summary>
    protected Tensor Key(Tensor images)
    {
        // Keys carry no gradient: the key encoder only follows the query encoder by EMA.
        using var noGrad = no_grad();
        return ShuffledKeyEncoding.Encode(group, images, shuffled => nn.functional.normalize(keyProjector.call(keyBackbone.call(shuffled)), dim: 1));
    }
}
