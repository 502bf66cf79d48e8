using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// The ROIs drawn for one image's box head in training (detectron2's sampled proposals with their
/// <c>gt_classes</c> and <c>gt_boxes</c>), positives first.
/// </summary>
/// <param name="Boxes">(S, 4) proposal boxes (ground-truth boxes included).</param>
/// <param name="Classes">(S) int64 class per ROI: 0..K−1 foreground, K background.</param>
/// <param name="MatchedBoxes">(S, 4) the ground-truth box each ROI was matched to (meaningless for background).</param>
/// <param name="MatchedIndex">(S) int64 index of that ground-truth object (for its mask).</param>
internal sealed record SampledRois(Tensor Boxes, Tensor Classes, Tensor MatchedBoxes, Tensor MatchedIndex);
