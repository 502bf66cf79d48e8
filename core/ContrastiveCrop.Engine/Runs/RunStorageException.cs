namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// A file of a run could not be written (disk full, read-only or no permission); the message names the
/// file and the reason. The previous version of the file, if any, is left in place.
/// </summary>
public sealed class RunStorageException(string message, Exception inner) : IOException(message, inner);
