using ContrastiveCrop.Detection.Masks;

namespace ContrastiveCrop.Plugins.Detection.Data;

/// <summary>One annotated object in original image coordinates (x1, y1, x2, y2, detectron2's box convention).</summary>
/// <param name="Box">x1, y1, x2, y2.</param>
/// <param name="Class">Contiguous class index 0..K−1.</param>
/// <param name="Polygons">Polygon mask, or null.</param>
/// <param name="Rle">RLE mask, or null.</param>
internal sealed record DetectionObject(double[] Box, int Class, IReadOnlyList<IReadOnlyList<double>>? Polygons, Rle? Rle);

/// <summary>One image of a detection split: where its pixels are, its id in the evaluator's terms, and its training objects.</summary>
/// <param name="Path">Image file.</param>
/// <param name="Id">VOC image id (file stem).</param>
/// <param name="CocoId">COCO image id (0 for VOC).</param>
/// <param name="Height">Image height from the annotation.</param>
/// <param name="Width">Image width from the annotation.</param>
/// <param name="Objects">Non-crowd objects used for training.</param>
internal sealed record DetectionRecord(string Path, string Id, long CocoId, int Height, int Width, IReadOnlyList<DetectionObject> Objects);
