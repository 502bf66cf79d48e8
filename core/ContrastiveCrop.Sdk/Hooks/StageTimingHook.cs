using System.Diagnostics;
using ContrastiveCrop.Sdk.Training;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Hooks;

/// <summary>
/// Where the time of a training step goes, measured from outside the model: the loop's step hook points and forward
/// hooks on named submodules (<see cref="ModuleTimer"/>), so no module carries timing code. Stages, accumulated over
/// the stage's steps:
/// <list type="bullet">
/// <item><c>data</c>: from the start of the step to the first timed module's forward (in a trainer whose
/// <c>ComputeStep</c> loads its batch: loading, augmenting and moving it);</item>
/// <item>one stage per timed submodule: its forward calls (for a module that computes its loss inside its forward,
/// the loss too);</item>
/// <item><c>backward</c>: from the return of the last timed forward to the end of the backward pass (also summing the
/// losses, reading them, zeroing gradients, and the gradient all-reduce of hooks registered before this one);</item>
/// <item><c>step</c>: from the end of the backward pass to the end of the step (clipping, the optimiser's update,
/// momentum encoders, metrics and progress);</item>
/// <item><c>iteration</c>: the whole step.</item>
/// </list>
/// With disjoint timed submodules the stages other than <c>iteration</c> sum to at most <c>iteration</c>; what is left
/// is the time between timed forwards. Forward calls outside a step (an evaluation run by a later hook or after
/// training) are not counted, and the forward hooks are removed after the stage and on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Register it before hooks that evaluate the model in <see cref="HookBase.AfterStep"/>, so their passes fall outside
/// its steps. Work done inside a module's forward (e.g. an RPN's loss beside its convolutions) cannot be split off
/// from outside; time it as a stage only if it runs in a submodule of its own.
/// </remarks>
public sealed class StageTimingHook : HookBase, IDisposable
{
    /// <summary>Name of the stage before the first timed forward.</summary>
    public const string Data = "data";

    /// <summary>Name of the stage from the last timed forward to the end of the backward pass.</summary>
    public const string Backward = "backward";

    /// <summary>Name of the stage from the end of the backward pass to the end of the step.</summary>
    public const string Step = "step";

    /// <summary>Name of the whole step.</summary>
    public const string Iteration = "iteration";

    private readonly nn.Module _model;
    private readonly List<(string Stage, string Module)> _modules;
    private readonly Dictionary<string, double> _seconds = [];
    private ModuleTimer? _timer;
    private long _stepStart, _forwardEnd, _backwardEnd;
    private bool _forwardSeen;

    /// <summary>
    /// Times the steps of a stage training <paramref name="model"/>, with one stage per entry of
    /// <paramref name="modules"/> (stage name, submodule name as in <c>named_modules()</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A submodule is missing, or a stage name is taken by the hook's own stages.</exception>
    public StageTimingHook(nn.Module model, IEnumerable<(string Stage, string Module)> modules)
    {
        _model = model;
        _modules = [.. modules];
        var names = model.named_modules().Select(m => m.name).ToHashSet();
        foreach (var (stage, module) in _modules)
        {
            if (stage is Data or Backward or Step or Iteration)
                throw new ArgumentException($"Stage name '{stage}' is one of the hook's own stages; name the module's stage differently.", nameof(modules));
            if (!names.Contains(module))
                throw new ArgumentException($"Stage '{stage}': the model has no submodule '{module}'.", nameof(modules));
        }
        foreach (var stage in new[] { Data }.Concat(_modules.Select(m => m.Stage)).Concat([Backward, Step, Iteration])) _seconds[stage] = 0;
    }

    /// <summary>
    /// Seconds per stage so far: <c>data</c>, the timed modules' stages in the order given, <c>backward</c>, <c>step</c>,
    /// <c>iteration</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    /// <summary>Whether forward hooks are attached to the model now (between the start and the end of a stage).</summary>
    public bool Attached => _timer is not null;

    /// <summary>Sets every total to zero.</summary>
    public void Clear()
    {
        foreach (var stage in _seconds.Keys.ToList()) _seconds[stage] = 0;
        _timer?.Clear();
    }

    /// <inheritdoc />
    public override void BeforeTrain(TrainingState state)
    {
        if (_timer is not null) return;
        _timer = new ModuleTimer(_model, _modules) { Enabled = false };
        _timer.OutermostEntered = now =>
        {
            if (_forwardSeen) return;
            _forwardSeen = true;
            Add(Data, _stepStart, now);
        };
        _timer.OutermostExited = now => _forwardEnd = now;
    }

    /// <inheritdoc />
    public override void BeforeStep(TrainingState state)
    {
        if (_timer is null) return;
        _timer.ForgetCallsInFlight();
        _forwardSeen = false;
        _stepStart = _forwardEnd = Stopwatch.GetTimestamp();
        _timer.Enabled = true;
    }

    /// <inheritdoc />
    public override void AfterBackward(TrainingState state)
    {
        if (_timer is null) return;
        _backwardEnd = Stopwatch.GetTimestamp();
        Add(Backward, _forwardEnd, _backwardEnd);
    }

    /// <inheritdoc />
    public override void AfterStep(TrainingState state, StepReport report)
    {
        if (_timer is null) return;
        long now = Stopwatch.GetTimestamp();
        _timer.Enabled = false;
        Add(Step, _backwardEnd, now);
        Add(Iteration, _stepStart, now);
        foreach (var (stage, seconds) in _timer.Seconds) _seconds[stage] += seconds;
        _timer.Clear();
    }

    /// <inheritdoc />
    public override void AfterTrain(TrainingState state) => Detach();

    /// <summary>Removes the forward hooks (also when the stage failed); the totals stay readable.</summary>
    public void Dispose() => Detach();

    private void Detach()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private void Add(string stage, long from, long to) => _seconds[stage] += Stopwatch.GetElapsedTime(from, to).TotalSeconds;
}
