namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// A stage cannot start with what it was given (a checkpoint of another architecture, options that do
/// not fit the data, a missing split): something the user can fix, so hosts exit with code 2 and print
/// the message, which says what to change. Plugins throw it (or a subclass) for such problems.
/// </summary>
public class StageSetupException(string message, Exception? inner = null) : Exception(message, inner);
