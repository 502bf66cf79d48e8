using ContrastiveCrop.Detection.Masks;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// A batch of normalised images padded at the bottom and right with zeros to a common size,
/// with each image's own size (used for clipping boxes).
/// </summary>
/// <param name="Tensor">(N, 3, H, W) padded images.</param>
/// <param name="Sizes">(height, width) of each image before padding.</param>
internal sealed record ImageList(Tensor Tensor, IReadOnlyList<(int Height, int Width)> Sizes);

/// <summary>An object's mask in the coordinates of the (resized, flipped) training image.</summary>
/// <param name="Polygons">Polygons (x₀, y₀, x₁, y₁, …), or null.</param>
/// <param name="Bitmask">The mask as an RLE of the whole image, when the annotation was not a polygon.</param>
internal sealed record InstanceMask(IReadOnlyList<IReadOnlyList<double>>? Polygons, Rle? Bitmask);

/// <summary>Ground truth of one image, in the coordinates of the image the network sees.</summary>
/// <param name="Boxes">(G, 4) float boxes x1, y1, x2, y2.</param>
/// <param name="Classes">(G) int64 contiguous class indices 0..K−1.</param>
/// <param name="Masks">One mask per object for Mask R-CNN, else null.</param>
internal sealed record InstanceTargets(Tensor Boxes, Tensor Classes, IReadOnlyList<InstanceMask>? Masks);

/// <summary>Detections of one image: boxes (D, 4), scores (D), classes (D, int64) and, for Mask R-CNN, mask probabilities (D, M, M).</summary>
internal sealed record Detections(Tensor Boxes, Tensor Scores, Tensor Classes, Tensor? Masks);
