using System.Globalization;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;

namespace ContrastiveCrop.Plugins.Detection.Training;

/// <summary>
/// The learning curve of a detection stage (<c>eval_every</c>): after every <paramref name="every"/>-th
/// iteration but the last (the stage evaluates the final model anyway) the model is evaluated on the test
/// split and the metrics are logged as <c>&lt;stage&gt;/eval</c> at that iteration. Evaluation runs in eval
/// mode without gradients and reads no training random numbers (with <c>precise_bn_iters</c> the evaluation first
/// recomputes the BatchNorm statistics from seeded extra batches and the trainer puts the training's statistics back
/// afterwards), so weights, batch-norm statistics and the rest of training are exactly those of a run without it;
/// training mode is restored afterwards.
/// </summary>
/// <param name="every">Iterations between evaluations.</param>
/// <param name="model">The model being trained (put back in training mode after each evaluation).</param>
/// <param name="evaluate">One test pass returning its metrics (AP, AP50, AP75, per class).</param>
internal sealed class PeriodicEvaluationHook(int every, torch.nn.Module model, Func<IReadOnlyDictionary<string, double>> evaluate) : HookBase
{
    /// <summary>The metrics stage of <paramref name="stage"/>'s evaluations during training.</summary>
    public static string MetricsStage(string stage) => stage + "/eval";

    /// <inheritdoc />
    public override void AfterStep(TrainingState state, StepReport report)
    {
        if (state.Step % every != 0 || state.IsLastStep) return;
        IReadOnlyDictionary<string, double> metrics;
        try
        {
            metrics = evaluate();
        }
        finally
        {
            model.train();
        }
        state.Run.LogMetrics(MetricsStage(state.Stage), state.Step, metrics);
        state.Run.Log(string.Create(CultureInfo.InvariantCulture, $"{state.Stage} iter {state.Step}/{state.TotalSteps}: ") +
                      string.Join(", ", metrics.Where(kv => !kv.Key.Contains('/')).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F2}"))));
    }
}
