namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Live progress of a pretraining run for a user interface. The host implements it (a console
/// progress bar); the engine knows no console library.
/// </summary>
public interface ITrainingReporter
{
    /// <summary>Training starts (or resumes) at <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    void Started(long step, long totalSteps, int totalEpochs);

    /// <summary>After every optimiser step.</summary>
    void Step(StepReport report);

    /// <summary>After every epoch, with the line also written to the run log.</summary>
    void EpochEnded(string summary);

    /// <summary>Training ended (finished, stopped or failed).</summary>
    void Stopped();
}

/// <summary>One optimiser step as the progress display sees it.</summary>
/// <param name="Step">Steps done, including this one.</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="TotalEpochs">Epochs in the run.</param>
/// <param name="Loss">This step's loss.</param>
/// <param name="LearningRate">The scheduled learning rate.</param>
/// <param name="ImagesPerSecond">Throughput over the epoch so far (images, not views).</param>
public readonly record struct StepReport(long Step, long TotalSteps, int Epoch, int TotalEpochs, double Loss, double LearningRate, double ImagesPerSecond);
