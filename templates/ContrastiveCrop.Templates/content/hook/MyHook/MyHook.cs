using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;

namespace MyHook;

/// <summary>
/// A training hook: times every epoch and, after every <see cref="MyHookOptions.Every"/>-th one, logs the mean
/// epoch time since the last report as the metric <c>&lt;stage&gt;/my-hook/epoch_seconds</c> and one line for the
/// user. Replace the overrides with your work (see HookBase for every hook point).
/// </summary>
/// <remarks>
/// A recipe adds it by name, with its options: <c>pretrain: {custom_hooks: [{name: my-hook, every: 2}]}</c>. Hooks run
/// on the training thread after the method's and the sampler's hooks; the epoch's checkpoint is written after all of
/// them. A hook with state that must survive a resume overrides StateKey, GetState and SetState.
/// </remarks>
[Plugin("my-hook", Description = "Logs the mean epoch time every N epochs.")]
public sealed class MyHook(MyHookOptions options, IRunContext run) : HookBase
{
    private readonly Stopwatch _clock = new();
    private readonly List<double> _seconds = [];

    /// <inheritdoc />
    public override void BeforeEpoch(TrainingState state) => _clock.Restart();

    /// <inheritdoc />
    public override void AfterEpoch(TrainingState state)
    {
        _seconds.Add(_clock.Elapsed.TotalSeconds);
        // state.Epoch counts completed epochs here: 1 after the first.
        if (state.Epoch % options.Every != 0 && !state.IsLastStep) return;
        double mean = _seconds.Average();
        _seconds.Clear();
        run.LogMetrics(state.Stage, state.Step, new Dictionary<string, double> { ["my-hook/epoch_seconds"] = mean });
        run.Log($"my-hook: epochs up to {state.Epoch}/{state.TotalEpochs} took {mean:F2} s each");
    }
}

/// <summary>
/// Options of <see cref="MyHook"/>, bound from its entry in <c>custom_hooks</c> (snake_case keys → PascalCase init
/// properties, validated before the run starts; errors carry the recipe's file:line:column).
/// </summary>
public sealed record MyHookOptions : IValidatableOptions
{
    /// <summary>Report after every this many epochs (and after the last one).</summary>
    public int Every { get; init; } = 1;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Every < 1) yield return new OptionError("every", $"must be at least 1; got {Every}");
    }
}
