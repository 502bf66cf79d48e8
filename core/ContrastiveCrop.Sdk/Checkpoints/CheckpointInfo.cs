namespace ContrastiveCrop.Sdk.Checkpoints;

/// <summary>
/// What a checkpoint says about where training was. Every random stream of a run is a function of
/// (seed, epoch, …) — crops and flips of (seed, epoch, image, view), the torch generator reseeded at
/// each epoch start — so <see cref="Seed"/> with <see cref="CompletedEpochs"/> is the RNG state.
/// </summary>
/// <param name="FormatVersion">Version of the checkpoint layout.</param>
/// <param name="CompletedEpochs">Epochs finished.</param>
/// <param name="Step">Optimiser steps taken: the learning-rate schedule's position.</param>
/// <param name="TotalSteps">Steps of the whole run (a resume checks it against the recipe).</param>
/// <param name="Seed">The run seed.</param>
/// <param name="Method">The method's type name, for error messages.</param>
/// <param name="SavedUtc">When it was written.</param>
public sealed record CheckpointInfo(int FormatVersion, int CompletedEpochs, long Step, long TotalSteps, long Seed, string Method, DateTime SavedUtc)
{
    /// <summary>The layout written by this version.</summary>
    public const int CurrentFormat = 1;
}
