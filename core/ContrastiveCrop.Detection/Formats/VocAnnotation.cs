namespace ContrastiveCrop.Detection.Formats;

/// <summary>One object of a PASCAL VOC annotation, coordinates as written in the XML (1-based, inclusive).</summary>
public sealed record VocObject(string Name, double XMin, double YMin, double XMax, double YMax, bool Difficult, bool Truncated, string? Pose);

/// <summary>One PASCAL VOC annotation file: the image it describes and its objects.</summary>
public sealed record VocAnnotation(string ImageId, string FileName, int Width, int Height, IReadOnlyList<VocObject> Objects);
