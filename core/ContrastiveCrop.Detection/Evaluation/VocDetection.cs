namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>
/// One detection as it appears in a VOC results file line "image score x1 y1 x2 y2", in the
/// devkit's 1-based pixel coordinates.
/// </summary>
public sealed record VocDetection(string ImageId, double Score, double X1, double Y1, double X2, double Y2);
