using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Runs a downstream task (typically kNN) on the current backbone every few epochs and after the
/// last, logging its metrics as <c>monitor/&lt;name&gt;</c> with the epoch.
/// </summary>
public sealed class DownstreamMonitorHook(IDownstreamTask task, string name, int every, IDatasetProvider data) : ITrainingHook
{
    /// <inheritdoc />
    public void OnEpochEnd(TrainingState state)
    {
        if (state.CompletedEpochs % every != 0 && state.CompletedEpochs != state.TotalEpochs) return;
        var result = task.Run(new DownstreamContext(state.Backbone, state.Run, data, null));
        var values = result.Metrics.ToDictionary(kv => kv.Key, kv => kv.Value);
        values["epoch"] = state.CompletedEpochs;
        state.Run.LogMetrics($"monitor/{name}", state.Step, values);
        state.Run.Log($"monitor {name} after epoch {state.CompletedEpochs}: " +
                      string.Join(", ", result.Metrics.Select(kv => $"{kv.Key} {kv.Value:F2}")));
    }
}
