namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// The loss became NaN or infinite. Hosts exit with code 3 for it wherever it is thrown (pretraining,
/// the linear probe, detection fine-tuning); the message says whether a checkpoint was kept.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
