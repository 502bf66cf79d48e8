using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's mask_rcnn_inference: of each detection's K logit maps, the one of its predicted
/// class, through a sigmoid (pasting into the image happens at evaluation).
/// </summary>
internal static class MaskRcnnInference
{
    /// <summary>Mask probabilities (D, M, M) from logits (D, K, M, M) and the detections' classes (D).</summary>
    public static Tensor Probabilities(Tensor logits, Tensor classes)
    {
        var chosen = logits.gather(1, classes.view(-1, 1, 1, 1).expand(-1, 1, logits.shape[2], logits.shape[3])).squeeze(1);
        return chosen.sigmoid();
    }
}
