using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;

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
        // The backbone of this epoch is another network than the final one: as a variant, a task that writes files (a
        // probe's checkpoint) keeps them apart from the evaluate stages' and from the other epochs' (it would resume from them).
        // Seeded like every downstream stage (the next epoch reseeds pretraining's generator, so training is unchanged).
        torch.manual_seed(state.Run.Seed);
        var result = task.Run(new DownstreamContext(backbone, state.Run, data, null, DownstreamContext.MonitorVariantPrefix + state.Epoch));
        var values = result.Metrics.ToDictionary(kv => kv.Key, kv => kv.Value);
        values["epoch"] = state.Epoch;
        state.Run.LogMetrics($"monitor/{name}", state.Step, values);
        state.Run.Log($"monitor {name} after epoch {state.Epoch}: " +
                      string.Join(", ", result.Metrics.Select(kv => $"{kv.Key} {kv.Value:F2}")));
    }
}
