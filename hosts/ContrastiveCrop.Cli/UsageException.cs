namespace ContrastiveCrop.Cli;

/// <summary>The command line asks for something that cannot be done as given; the message says what to type instead.</summary>
internal sealed class UsageException(string message) : Exception(message);
