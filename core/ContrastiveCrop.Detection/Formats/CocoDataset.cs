using ContrastiveCrop.Detection.Masks;

namespace ContrastiveCrop.Detection.Formats;

/// <summary>An image entry of a COCO instances file.</summary>
public sealed record CocoImage(long Id, int Width, int Height, string FileName);

/// <summary>A category entry of a COCO instances file.</summary>
public sealed record CocoCategory(long Id, string Name);

/// <summary>
/// An object's segmentation: polygons (x₀, y₀, x₁, y₁, …) or an RLE, either uncompressed (a
/// list of counts) or compressed (the COCO text), with the mask size it was made for.
/// </summary>
public sealed record CocoSegmentation(IReadOnlyList<IReadOnlyList<double>>? Polygons, Rle? Rle)
{
    /// <summary>The mask as an RLE for an image of the given size (polygons are rasterised).</summary>
    public Rle ToRle(int height, int width) =>
        Rle ?? PolygonRasterizer.Rasterize(Polygons!, height, width);
}

/// <summary>
/// A ground-truth object. <see cref="Bbox"/> is COCO's [x, y, width, height]; <see cref="Area"/>
/// is the file's area field (the one evaluation uses for area ranges).
/// </summary>
public sealed record CocoAnnotation(long Id, long ImageId, long CategoryId, double[] Bbox, double Area, bool IsCrowd, CocoSegmentation? Segmentation);

/// <summary>A COCO instances file: images, categories, annotations.</summary>
public sealed record CocoDataset(IReadOnlyList<CocoImage> Images, IReadOnlyList<CocoCategory> Categories, IReadOnlyList<CocoAnnotation> Annotations)
{
    /// <summary>Images by id.</summary>
    public IReadOnlyDictionary<long, CocoImage> ImagesById { get; } = Images.ToDictionary(i => i.Id);
}

/// <summary>
/// One detection of a COCO results file; segmentation is present for segm results. <see cref="Area"/>
/// decides the area range of an unmatched detection: pycocotools takes the box's w·h whenever the
/// results carry boxes (even for segm evaluation) and the mask area only for mask-only results.
/// </summary>
public sealed record CocoDetection(long ImageId, long CategoryId, double Score, double[]? Bbox, Rle? Segmentation, double Area);
