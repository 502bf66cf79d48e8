namespace ContrastiveCrop.Interop;

/// <summary>
/// A checkpoint file the user named cannot be used as asked (wrong format, truncated, another
/// architecture, a shape that does not fit). The message names the file and says what to do;
/// hosts report it as a user error (exit 2).
/// </summary>
public sealed class InteropException(string message, Exception? inner = null) : Exception(message, inner);
