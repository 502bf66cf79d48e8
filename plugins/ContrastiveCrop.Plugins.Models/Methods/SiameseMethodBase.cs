using ContrastiveCrop.Contracts;
using ContrastiveCrop.Plugins.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// What every Siamese method shares: the backbone being trained (registered as <c>backbone</c>), the
/// split between trainable modules and momentum copies, head construction, the EMA update and
/// the positive-pair similarity. A concrete method adds its heads and writes <see cref="ComputeLoss"/>.
/// </summary>
/// <remarks>
/// Submodules are registered explicitly through <see cref="AddTrainable{T}"/>,
/// <see cref="AddMomentumCopy{T}"/> and <see cref="AddState{T}"/> instead of by TorchSharp's field
/// reflection: the base keeps the <see cref="IBackbone"/> object, which usually is the backbone
/// module itself, and reflection would register it a second time under a compiler-generated name.
/// </remarks>
public abstract class SiameseMethodBase : nn.Module, ISiameseMethod
{
    private readonly List<nn.Module> trainable = [];

    /// <summary>Registers <paramref name="backbone"/>'s network as the trainable submodule <c>backbone</c>.</summary>
    /// <param name="name">The module name shown by TorchSharp.</param>
    /// <param name="backbone">The encoder to pretrain.</param>
    /// <param name="views">The views each image contributes per step.</param>
    protected SiameseMethodBase(string name, IBackbone backbone, IReadOnlyList<ViewSpec> views) : base(name)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        ArgumentNullException.ThrowIfNull(views);
        Backbone = backbone;
        Views = views;
        AddTrainable("backbone", backbone.Network);
    }

    /// <summary>The encoder being pretrained.</summary>
    protected IBackbone Backbone { get; }

    /// <inheritdoc />
    public IReadOnlyList<ViewSpec> Views { get; }

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters => trainable.SelectMany(m => m.parameters());

    /// <inheritdoc />
    public abstract MethodStepOutput ComputeLoss(IReadOnlyList<Tensor> views, TrainingProgress progress);

    /// <inheritdoc />
    public virtual void AfterOptimizerStep(TrainingProgress progress) { }

    /// <summary>Registers a module whose parameters the optimiser updates.</summary>
    protected T AddTrainable<T>(string name, T module) where T : nn.Module
    {
        register_module(name, module);
        trainable.Add(module);
        return module;
    }

    /// <summary>
    /// Registers a momentum (EMA) copy: checkpointed, moved with the method, but frozen for autograd
    /// and left out of <see cref="TrainableParameters"/>.
    /// </summary>
    protected T AddMomentumCopy<T>(string name, T module) where T : nn.Module
    {
        foreach (var parameter in module.parameters())
            parameter.requires_grad = false;
        register_module(name, module);
        return module;
    }

    /// <summary>Registers a parameter-free module whose buffers are part of the method's state (e.g. a queue).</summary>
    protected T AddState<T>(string name, T module) where T : nn.Module
    {
        if (module.parameters().Any())
            throw new ArgumentException($"State module '{name}' has parameters; register it with {nameof(AddTrainable)} or {nameof(AddMomentumCopy)}.", nameof(module));
        register_module(name, module);
        return module;
    }

    /// <summary>An independent copy of the backbone for a momentum encoder.</summary>
    protected IBackbone CopyBackbone() => Backbone.Copy();

    /// <summary>A projection head on top of the backbone's pooled feature (see <see cref="MlpHead.Create"/>).</summary>
    protected Sequential CreateHead(int hiddenDim, int outputDim, int layers, bool hiddenBatchNorm = false, bool outputBatchNorm = false) =>
        CreateHeadOn(Backbone.FeatureDim, hiddenDim, outputDim, layers, hiddenBatchNorm, outputBatchNorm);

    /// <summary>A head on top of another head's <paramref name="inputDim"/>-wide output (e.g. a predictor), on the backbone's device.</summary>
    protected Sequential CreateHeadOn(int inputDim, int hiddenDim, int outputDim, int layers, bool hiddenBatchNorm = false, bool outputBatchNorm = false)
    {
        var head = MlpHead.Create(inputDim, hiddenDim, outputDim, layers, hiddenBatchNorm, outputBatchNorm);
        // Heads are built after the backbone may have been moved; keep everything on one device.
        head.to(ModuleState.DeviceOf(Backbone.Network));
        return head;
    }

    /// <summary>A copy of <paramref name="source"/> built by <paramref name="create"/> and given its current weights.</summary>
    protected static T CopyModule<T>(T source, Func<T> create) where T : nn.Module
    {
        var copy = create();
        copy.to(ModuleState.DeviceOf(source));
        ModuleState.CopyInto(source, copy);
        return copy;
    }

    /// <summary>target ← m·target + (1 − m)·online for each parameter, in place, without autograd.</summary>
    protected static void MomentumUpdate(nn.Module online, nn.Module target, double momentum) =>
        ModuleState.MomentumUpdate(online, target, momentum);

    /// <summary>Mean cosine similarity of rows i of <paramref name="a"/> and <paramref name="b"/>, detached from the graph.</summary>
    protected static Tensor PositiveSimilarity(Tensor a, Tensor b)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return nn.functional.cosine_similarity(a, b, dim: 1).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Checks that the host passed one batch per <see cref="Views"/> entry, all with the same number of images.</summary>
    protected void RequireViews(IReadOnlyList<Tensor> views)
    {
        ArgumentNullException.ThrowIfNull(views);
        if (views.Count != Views.Count)
            throw new ArgumentException($"{GetType().Name} takes {Views.Count} views per step; got {views.Count}.", nameof(views));
        if (views.Any(v => v.ndim != 4 || v.shape[0] != views[0].shape[0]))
            throw new ArgumentException(
                $"Each view must be an (N, 3, H, W) batch with the same N; got {string.Join(", ", views.Select(v => "[" + string.Join(", ", v.shape) + "]"))}.", nameof(views));
    }

    /// <summary>Components are registered explicitly by the Add* helpers (see the class remarks).</summary>
    protected sealed override void RegisterComponents() { }
}
