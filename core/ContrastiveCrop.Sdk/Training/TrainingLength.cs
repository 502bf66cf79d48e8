namespace ContrastiveCrop.Sdk.Training;

/// <summary>How long a run is, in steps and epochs, from the options and the batches per epoch.</summary>
/// <param name="TotalSteps">Optimiser steps of the run.</param>
/// <param name="TotalEpochs">Epochs, the last possibly partial when the run is set in iterations.</param>
/// <param name="BatchesPerEpoch">Full batches per epoch.</param>
public sealed record TrainingLength(long TotalSteps, int TotalEpochs, int BatchesPerEpoch)
{
    /// <summary>Iterations when set, else epochs × batches per epoch.</summary>
    public static TrainingLength From(int epochs, long iterations, int batchesPerEpoch)
    {
        if (iterations <= 0)
            return new TrainingLength((long)epochs * batchesPerEpoch, epochs, batchesPerEpoch);
        return new TrainingLength(iterations, checked((int)((iterations + batchesPerEpoch - 1) / batchesPerEpoch)), batchesPerEpoch);
    }

    /// <summary>Steps of linear warm-up for <paramref name="warmupEpochs"/> epochs.</summary>
    public long WarmupSteps(double warmupEpochs) => Math.Min(TotalSteps - 1, (long)(warmupEpochs * BatchesPerEpoch));
}
