using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;

namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>
/// Runs a downstream task (typically kNN) on the current backbone every few epochs and after the
/// last, logging its metrics as <c>monitor/&lt;name&gt;</c> with the epoch.
/// </summary>
public sealed class DownstreamMonitorHook(IDownstreamTask task, string name, int every, IBackbone backbone, IDatasetProvider data) : HookBase
{
    /// <inheritdoc />
    public override void AfterEpoch(TrainingState state)
    {
        if (state.Epoch % every != 0 && state.Epoch != state.TotalEpochs) return;
        var result = task.Run(new DownstreamContext(backbone, state.Run, data, null));
        var values = result.Metrics.ToDictionary(kv => kv.Key, kv => kv.Value);
        values["epoch"] = state.Epoch;
        state.Run.LogMetrics($"monitor/{name}", state.Step, values);
        state.Run.Log($"monitor {name} after epoch {state.Epoch}: " +
                      string.Join(", ", result.Metrics.Select(kv => $"{kv.Key} {kv.Value:F2}")));
    }
}
