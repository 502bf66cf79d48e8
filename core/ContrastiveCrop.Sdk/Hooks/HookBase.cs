using ContrastiveCrop.Sdk.Training;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Hooks;

/// <summary>
/// Work that runs at fixed points of a training stage (detectron2's <c>HookBase</c>, mmengine's hooks):
/// box updates of a localising sampler, a neighbour table, a kNN monitor, timers, diagnostics. Hooks run on
/// the training thread, in registration order; the trainer writes checkpoints after every hook has seen
/// the end of an epoch or step.
/// </summary>
/// <remarks>
/// A hook with state that must survive a resume names it with <see cref="StateKey"/>; the trainer stores
/// <see cref="GetState"/> in the stage's checkpoint under <c>hook/&lt;key&gt;/</c> and hands it back through
/// <see cref="SetState"/> after <see cref="BeforeTrain"/> on resume.
/// </remarks>
public abstract class HookBase
{
    /// <summary>Before the first step of the stage (also after a resume, before the saved state is restored).</summary>
    public virtual void BeforeTrain(TrainingState state) { }

    /// <summary>After the last step of the stage (not when it fails).</summary>
    public virtual void AfterTrain(TrainingState state) { }

    /// <summary>Before the first step of epoch <see cref="TrainingState.Epoch"/>.</summary>
    public virtual void BeforeEpoch(TrainingState state) { }

    /// <summary>After the last step of an epoch (<see cref="TrainingState.Epoch"/> epochs are complete), before its checkpoint.</summary>
    public virtual void AfterEpoch(TrainingState state) { }

    /// <summary>Before optimiser step <see cref="TrainingState.Step"/> + 1.</summary>
    public virtual void BeforeStep(TrainingState state) { }

    /// <summary>
    /// After the backward pass, before gradient clipping and the optimiser step: where data-parallel training
    /// averages gradients across processes.
    /// </summary>
    public virtual void AfterBackward(TrainingState state) { }

    /// <summary>After an optimiser step (<see cref="TrainingState.Step"/> steps are done), with the step's losses.</summary>
    public virtual void AfterStep(TrainingState state, StepReport report) { }

    /// <summary>
    /// Non-null for a hook that adds rows to the run's results table after its stage (e.g. how well the final
    /// ContrastiveCrop boxes match the true ones): the rows' stage label.
    /// </summary>
    public virtual string? ResultsLabel => null;

    /// <summary>The metrics of those rows, read once after the stage has finished (also after a resumed one).</summary>
    public virtual IReadOnlyDictionary<string, double> Results() => new Dictionary<string, double>();

    /// <summary>Non-null for a hook whose state goes into checkpoints; unique among a stage's hooks.</summary>
    public virtual string? StateKey => null;

    /// <summary>The state to checkpoint as named CPU tensors; the trainer disposes them after writing.</summary>
    public virtual IReadOnlyDictionary<string, Tensor> GetState() => new Dictionary<string, Tensor>();

    /// <summary>Restores what <see cref="GetState"/> wrote; the tensors belong to the caller.</summary>
    public virtual void SetState(IReadOnlyDictionary<string, Tensor> state) { }
}
