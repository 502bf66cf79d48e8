namespace ContrastiveCrop.Sdk.Training;

/// <summary>How a <see cref="TrainerBase"/> runs one stage.</summary>
/// <param name="Stage">The stage's name: prefixes its metrics (<c>&lt;stage&gt;/step</c>) and labels its progress.</param>
/// <param name="Length">Steps and epochs.</param>
/// <param name="Seed">The run's seed (recorded in checkpoints).</param>
public sealed record TrainerSettings(string Stage, TrainingLength Length, long Seed)
{
    /// <summary>Write step metrics every this many steps (window means).</summary>
    public int LogEvery { get; init; } = 10;

    /// <summary>The stage's checkpoint file; null keeps none (and the stage cannot resume).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Also checkpoint every this many epochs (0: only at the end).</summary>
    public int CheckpointEveryEpochs { get; init; }

    /// <summary>Also checkpoint every this many steps (0: only at epoch ends); for iteration-based stages.</summary>
    public long CheckpointEverySteps { get; init; }

    /// <summary>Clip the joint gradient norm to this value; null for no clipping.</summary>
    public double? ClipGradNorm { get; init; }

    /// <summary>What produced the checkpoint (a method or model name), for messages.</summary>
    public string Producer { get; init; } = "";

    /// <summary>What to change when the loss diverges, e.g. "Lower pretrain.lr, add warm-up or set pretrain.clip_grad_norm."</summary>
    public string DivergenceAdvice { get; init; } = "Lower the learning rate or add warm-up.";
}
