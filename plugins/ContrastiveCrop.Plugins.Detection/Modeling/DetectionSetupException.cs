namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>A detection task cannot start: wrong backbone, missing data, bad class list. The message says what to change.</summary>
public sealed class DetectionSetupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DetectionSetupException(string message, Exception? inner = null) : base(message, inner) { }
}
