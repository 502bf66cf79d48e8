using ContrastiveCrop.Sdk.Training;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// A detection task cannot start: wrong backbone, missing data, bad class list. The message says
/// what to change. A <see cref="StageSetupException"/>, so hosts report it as a problem the user can fix.
/// </summary>
public sealed class DetectionSetupException : StageSetupException
{
    /// <summary>Creates the exception.</summary>
    public DetectionSetupException(string message, Exception? inner = null) : base(message, inner) { }
}
