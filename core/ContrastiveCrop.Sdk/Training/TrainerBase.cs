using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Optimization;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// The one training loop (detectron2's <c>TrainerBase</c>): epochs of optimiser steps with a scheduled
/// learning rate, a dispose scope per step, the divergence check, gradient clipping, step and epoch
/// metrics, live progress, hooks at every point and checkpoints (model, optimiser, schedule position,
/// plugin and hook state) from which the stage resumes exactly. Pretraining, the linear probe and
/// detection fine-tuning are subclasses that supply only their forward pass.
/// </summary>
/// <remarks>
/// Order within a step: hooks' <see cref="HookBase.BeforeStep"/>, learning rate, <see cref="ComputeStep"/>,
/// divergence check, zero_grad, backward, hooks' <see cref="HookBase.AfterBackward"/>, clipping, optimiser step, <see cref="AfterOptimizerStep"/>,
/// step metrics and progress, hooks' <see cref="HookBase.AfterStep"/>, periodic checkpoint. After an
/// epoch: <see cref="EndEpoch"/> (the stage's epoch log), hooks' <see cref="HookBase.AfterEpoch"/>,
/// then the checkpoint, so it holds what the hooks computed.
/// </remarks>
public abstract class TrainerBase
{
    private readonly List<HookBase> _hooks = [];
    private double _lastWindowLoss = double.NaN;

    /// <summary>Sets up a stage.</summary>
    /// <param name="settings">Name, length, logging and checkpoint policy.</param>
    /// <param name="run">The run this stage belongs to.</param>
    protected TrainerBase(TrainerSettings settings, IRunContext run)
    {
        Settings = settings;
        Run = run;
        Progress = RunServices.Progress(run);
    }

    /// <summary>The stage's settings.</summary>
    public TrainerSettings Settings { get; }

    /// <summary>The run.</summary>
    protected IRunContext Run { get; }

    /// <summary>Live progress display, when the host has one.</summary>
    protected IProgressReporter? Progress { get; }

    /// <summary>The module whose state_dict is checkpointed (everything the stage trains or keeps).</summary>
    protected abstract nn.Module Module { get; }

    /// <summary>The optimiser (its momentum buffers are checkpointed by parameter name).</summary>
    protected abstract SgdOptimizer Optimizer { get; }

    /// <summary>The learning-rate schedule, evaluated per step.</summary>
    protected abstract LearningRateSchedule Schedule { get; }

    /// <summary>Plugins whose own state is checkpointed, by role (e.g. <c>sampler</c>); empty by default.</summary>
    protected virtual IReadOnlyDictionary<string, IStatefulPlugin> StatefulPlugins { get; } = new Dictionary<string, IStatefulPlugin>();

    /// <summary>The registered hooks, in order.</summary>
    public IReadOnlyList<HookBase> Hooks => _hooks;

    /// <summary>Adds hooks; they run after those registered before.</summary>
    public void Register(IEnumerable<HookBase> hooks)
    {
        foreach (var hook in hooks)
        {
            if (hook.StateKey is { } key && _hooks.Any(h => h.StateKey == key))
                throw new InvalidOperationException($"Two hooks of stage '{Settings.Stage}' keep state under '{key}'; state keys must be unique.");
            _hooks.Add(hook);
        }
    }

    /// <summary>Prepares epoch <paramref name="epoch"/> (0-based): reseeding, shuffling, opening a loader.</summary>
    protected virtual void BeginEpoch(int epoch) { }

    /// <summary>The forward pass of the next step: the batch for <paramref name="state"/>.Step and its loss.</summary>
    protected abstract StepOutput ComputeStep(TrainingState state);

    /// <summary>After each optimiser step: momentum encoders, EMA schedules, queues.</summary>
    protected virtual void AfterOptimizerStep(TrainingState state) { }

    /// <summary>The epoch is over (also when it failed): release what <see cref="BeginEpoch"/> opened.</summary>
    protected virtual void FinishEpoch(int epoch) { }

    /// <summary>The stage's epoch log; by default one <c>&lt;stage&gt;/epoch</c> record and one line.</summary>
    protected virtual void EndEpoch(EpochSummary summary)
    {
        var values = new Dictionary<string, double> { ["epoch"] = summary.Epoch, ["loss"] = summary.MeanLoss, ["lr"] = summary.LearningRate };
        foreach (var (name, value) in summary.Observations) values[name] = value;
        Run.LogMetrics($"{Settings.Stage}/epoch", summary.Step, values);
        Progress?.Line($"{Settings.Stage} epoch {summary.Epoch}/{Settings.Length.TotalEpochs}  loss {summary.MeanLoss:F4}");
    }

    /// <summary>
    /// Runs the stage; with <paramref name="resumeFrom"/> (a checkpoint of this stage), first restores it and
    /// continues after its last step.
    /// </summary>
    public TrainingResult Train(string? resumeFrom = null)
    {
        var length = Settings.Length;
        long step = 0;
        int startEpoch = 0;
        Dictionary<string, Tensor>? restored = null;
        if (resumeFrom is not null)
        {
            (var info, restored) = CheckpointFile.Load(resumeFrom);
            if (info.TotalSteps != length.TotalSteps)
            {
                foreach (var t in restored.Values) t.Dispose();
                throw new CheckpointException(
                    $"Checkpoint '{resumeFrom}' belongs to a stage of {info.TotalSteps} steps, but the recipe now gives {length.TotalSteps}; " +
                    "resume with the run's own recipe.yaml.");
            }
            try
            {
                TrainingSnapshot.RestoreTraining(resumeFrom, restored, Module, Optimizer);
            }
            catch
            {
                foreach (var t in restored.Values) t.Dispose();
                throw;
            }
            (startEpoch, step) = (info.CompletedEpochs, info.Step);
            Run.Log($"{Settings.Stage}: resumed from '{resumeFrom}' after epoch {startEpoch} (step {step} of {length.TotalSteps}).");
        }

        try
        {
            foreach (var hook in _hooks) hook.BeforeTrain(State(startEpoch, step));
            // Hooks and plugins size their state in BeforeTrain (e.g. a sampler's boxes); the saved state replaces it afterwards.
            if (restored is not null) RestoreStates(restored);
        }
        finally
        {
            if (restored is not null) foreach (var t in restored.Values) t.Dispose();
        }

        // TorchSharp's own batch count in BatchNorm layers can read a Scalar the GC has freed (see BatchNormCounting).
        BatchNormCounting.Apply(Module);
        var clock = Stopwatch.StartNew();
        long startStep = step, images = 0;
        double lastEpochLoss = double.NaN;
        Progress?.Started(Settings.Stage, step, length.TotalSteps);
        try
        {
            for (int epoch = startEpoch; epoch < length.TotalEpochs && step < length.TotalSteps; epoch++)
            {
                var summary = RunEpoch(epoch, ref step);
                images += summary.Images;
                lastEpochLoss = summary.MeanLoss;
                EndEpoch(summary);
                foreach (var hook in _hooks) hook.AfterEpoch(State(epoch + 1, step));
                bool last = step >= length.TotalSteps;
                if (last || (Settings.CheckpointEveryEpochs > 0 && (epoch + 1) % Settings.CheckpointEveryEpochs == 0))
                    SaveCheckpoint(epoch + 1, step);
            }
            foreach (var hook in _hooks) hook.AfterTrain(State(length.TotalEpochs, step));
        }
        finally
        {
            Progress?.Stopped();
        }
        return new TrainingResult(lastEpochLoss, clock.Elapsed.TotalSeconds, step - startStep, images, Settings.CheckpointPath) { LastLoggedLoss = _lastWindowLoss };
    }

    private EpochSummary RunEpoch(int epoch, ref long step)
    {
        var length = Settings.Length;
        long epochEnd = Math.Min(length.TotalSteps, (long)(epoch + 1) * length.BatchesPerEpoch);
        double lossSum = 0, lr = double.NaN;
        int steps = 0;
        long images = 0;
        var observations = new Dictionary<string, (double Sum, int Count)>();
        var window = new Dictionary<string, double>();
        int windowSteps = 0;
        var clock = Stopwatch.StartNew();
        BeginEpoch(epoch);
        try
        {
            foreach (var hook in _hooks) hook.BeforeEpoch(State(epoch, step));
            while (step < epochEnd)
            {
                var state = State(epoch, step);
                foreach (var hook in _hooks) hook.BeforeStep(state);
                lr = Schedule.At(step);
                foreach (var group in Optimizer.Groups) group.LearningRate = group.FixedLearningRate ? Schedule.Peak : lr;
                double loss;
                var parts = new Dictionary<string, double>();
                int batchImages;
                using (NewDisposeScope())
                {
                    var output = ComputeStep(state);
                    var values = MeanOverRanks(output);
                    loss = values.Loss;
                    if (!double.IsFinite(loss)) throw Diverged(loss, epoch, step, lr);
                    Optimizer.ZeroGrad();
                    output.Loss.backward();
                    foreach (var hook in _hooks) hook.AfterBackward(state);
                    if (Settings.ClipGradNorm is { } maxNorm) GradientClipping.ClipByNorm(Optimizer.Parameters, maxNorm);
                    Optimizer.Step();
                    AfterOptimizerStep(state);
                    foreach (var (name, value) in values.Parts) parts[name] = value;
                    foreach (var (name, value) in values.Observations)
                    {
                        var (sum, count) = observations.GetValueOrDefault(name);
                        observations[name] = (sum + value, count + 1);
                    }
                    batchImages = output.Images;
                }
                step++;
                steps++;
                images += batchImages;
                lossSum += loss;
                double rate = images / clock.Elapsed.TotalSeconds;
                window["loss"] = window.GetValueOrDefault("loss") + loss;
                foreach (var (name, value) in parts) window[name] = window.GetValueOrDefault(name) + value;
                windowSteps++;
                if (step % Settings.LogEvery == 0 || step == length.TotalSteps)
                {
                    var values = window.ToDictionary(kv => kv.Key, kv => kv.Value / windowSteps);
                    _lastWindowLoss = values["loss"];
                    values["lr"] = lr;
                    values["images_per_second"] = rate;
                    Run.LogMetrics($"{Settings.Stage}/step", step, values);
                    window.Clear();
                    windowSteps = 0;
                }
                var report = new StepReport(step, length.TotalSteps, epoch + 1, length.TotalEpochs, loss, parts, lr, rate);
                Progress?.Advanced(step, string.Create(CultureInfo.InvariantCulture,
                    $"{Settings.Stage}  epoch {epoch + 1}/{length.TotalEpochs}  loss {loss:F4}  lr {lr:G3}  {rate:F1} img/s"));
                foreach (var hook in _hooks) hook.AfterStep(State(epoch, step), report);
                if (Settings.CheckpointEverySteps > 0 && step % Settings.CheckpointEverySteps == 0 && step < epochEnd)
                    SaveCheckpoint(epoch, step);
                Run.Cancellation.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            FinishEpoch(epoch);
        }
        return new EpochSummary(epoch + 1, step, lossSum / Math.Max(1, steps), steps, images, clock.Elapsed.TotalSeconds, lr,
                                observations.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count));
    }

    /// <summary>
    /// The step's loss, named loss parts and observations as numbers; in a data-parallel job their means over the
    /// ranks (one small all-reduce), so the logged loss is the global batch's (each rank's loss is the mean over its
    /// share) and every rank sees the same value — a loss that is not finite on one rank stops all of them together.
    /// </summary>
    private (double Loss, IReadOnlyList<(string Name, double Value)> Parts, IReadOnlyList<(string Name, double Value)> Observations) MeanOverRanks(StepOutput output)
    {
        var parts = (output.Parts ?? new Dictionary<string, Tensor>()).ToList();
        var observed = (output.Observations ?? new Dictionary<string, Tensor>()).ToList();
        var values = new double[1 + parts.Count + observed.Count];
        values[0] = output.Loss.item<float>();
        for (int i = 0; i < parts.Count; i++) values[1 + i] = parts[i].Value.item<float>();
        for (int i = 0; i < observed.Count; i++) values[1 + parts.Count + i] = observed[i].Value.item<float>();
        var group = RunServices.ProcessGroup(Run);
        if (group.WorldSize > 1)
        {
            // Packed in ordinal order of the names, so every rank puts the same value in the same place whatever order
            // its dictionaries enumerate in; returned in the step's own order.
            var order = new[] { "" }.Concat(parts.Select(kv => "p:" + kv.Key)).Concat(observed.Select(kv => "o:" + kv.Key))
                .Select((name, i) => (name, i)).OrderBy(x => x.name, StringComparer.Ordinal).Select(x => x.i).ToArray();
            using var packed = tensor(order.Select(i => values[i]).ToArray());
            group.AllReduce(packed, Distributed.ReduceOp.Sum);
            var reduced = packed.data<double>().ToArray();
            for (int k = 0; k < order.Length; k++) values[order[k]] = reduced[k] / group.WorldSize;
        }
        return (values[0],
                parts.Select((kv, i) => (kv.Key, values[1 + i])).ToList(),
                observed.Select((kv, i) => (kv.Key, values[1 + parts.Count + i])).ToList());
    }

    /// <summary>Where the stage is, for hooks and the forward pass.</summary>
    protected TrainingState State(int epoch, long step) =>
        new(Settings.Stage, epoch, Settings.Length.TotalEpochs, step, Settings.Length.TotalSteps, Run);

    private TrainingDivergedException Diverged(double loss, int epoch, long step, double lr)
    {
        var path = Settings.CheckpointPath;
        string kept = path is not null && File.Exists(path)
            ? $"the last good checkpoint is kept: '{path}'"
            : "no checkpoint of this stage had been written yet";
        return new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture,
            $"{Settings.Stage}: the loss became {loss} at epoch {epoch + 1}, step {step + 1} (lr {lr:G4}). Training stopped; {kept}. {Settings.DivergenceAdvice}"));
    }

    private void SaveCheckpoint(int completedEpochs, long step)
    {
        if (Settings.CheckpointPath is not { } path) return;
        // In a data-parallel job every replica holds the same state: rank 0 writes it, once.
        if (RunServices.ProcessGroup(Run).Rank != 0) return;
        var sections = StatefulPlugins.Select(kv => ($"plugin/{kv.Key}/", kv.Value.GetState()))
            .Concat(_hooks.Where(h => h.StateKey is not null).Select(h => ($"hook/{h.StateKey}/", h.GetState())))
            .ToList();
        TrainingSnapshot.Save(path,
            new CheckpointInfo(CheckpointInfo.CurrentFormat, completedEpochs, step, Settings.Length.TotalSteps, Settings.Seed, Settings.Producer, DateTime.UtcNow),
            Module, Optimizer, sections);
    }

    private void RestoreStates(Dictionary<string, Tensor> restored)
    {
        foreach (var (role, plugin) in StatefulPlugins)
        {
            var state = TrainingSnapshot.Section(restored, $"plugin/{role}/");
            if (state.Count > 0) plugin.SetState(state);
        }
        foreach (var hook in _hooks)
        {
            if (hook.StateKey is not { } key) continue;
            var state = TrainingSnapshot.Section(restored, $"hook/{key}/");
            if (state.Count > 0) hook.SetState(state);
        }
    }
}
