namespace ContrastiveCrop.Detection.Formats;

/// <summary>A detection data or results file the user gave is missing, malformed or inconsistent.</summary>
public sealed class DetectionFormatException : Exception
{
    /// <summary>Creates the error; the message names the file and the element.</summary>
    public DetectionFormatException(string file, string element, string problem, Exception? inner = null)
        : base($"{file}: {element}: {problem}", inner)
    {
        File = file;
        Element = element;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }
    /// <summary>Where in the file (element path, JSON path or line).</summary>
    public string Element { get; }
}
