namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// Live progress of a training stage or a long pass for a user interface. The host implements it (a
/// console progress bar with ETA); the SDK and plugins know no console library.
/// </summary>
public interface IProgressReporter
{
    /// <summary>
    /// <paramref name="label"/> starts (or resumes) at <paramref name="done"/> of <paramref name="total"/> units. Calls may
    /// nest: a pass started inside a running stage (a box update, a test pass) takes <see cref="Advanced"/> until its
    /// own <see cref="Stopped"/>, after which the outer stage's progress continues.
    /// </summary>
    void Started(string label, long done, long total);

    /// <summary>Progress: <paramref name="done"/> units, with a one-line status (loss, rate, ...).</summary>
    void Advanced(long done, string status);

    /// <summary>A line for the log (e.g. an epoch summary), shown above the progress bar.</summary>
    void Line(string text);

    /// <summary>The stage ended (finished, stopped or failed).</summary>
    void Stopped();
}

/// <summary>One optimiser step as hooks and the progress display see it.</summary>
/// <param name="Step">Steps done, including this one.</param>
/// <param name="TotalSteps">Steps in the stage.</param>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="TotalEpochs">Epochs in the stage.</param>
/// <param name="Loss">This step's total loss.</param>
/// <param name="Parts">This step's named loss terms (empty when the loss has one term).</param>
/// <param name="LearningRate">The scheduled learning rate.</param>
/// <param name="ImagesPerSecond">Throughput over the epoch so far.</param>
public sealed record StepReport(long Step, long TotalSteps, int Epoch, int TotalEpochs, double Loss, IReadOnlyDictionary<string, double> Parts,
                                double LearningRate, double ImagesPerSecond);
