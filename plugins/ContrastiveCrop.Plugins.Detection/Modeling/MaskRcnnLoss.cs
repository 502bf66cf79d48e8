using ContrastiveCrop.Detection.Masks;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's mask_rcnn_loss: the logit map of each foreground ROI's own class against its
/// object's mask cropped to the ROI and resampled to M×M, averaged per-pixel binary cross-entropy.
/// </summary>
internal static class MaskRcnnLoss
{
    /// <summary>The loss of logits (F, K, M, M) for the foreground ROIs of <paramref name="sampled"/>, in their order.</summary>
    public static Tensor Compute(Tensor logits, Tensor fgClasses, IReadOnlyList<SampledRois> sampled, IReadOnlyList<InstanceTargets> targets, int numClasses)
    {
        int m = (int)logits.shape[2];
        var chosen = logits.gather(1, fgClasses.view(-1, 1, 1, 1).expand(-1, 1, m, m)).squeeze(1);
        var maskTargets = new List<Tensor>();
        for (int i = 0; i < sampled.Count; i++)
        {
            var s = sampled[i];
            var fg = s.Classes.lt(numClasses).nonzero().flatten();
            if (fg.shape[0] == 0) continue;
            var boxes = s.Boxes.index_select(0, fg).cpu().data<float>().ToArray();
            var matched = s.MatchedIndex.index_select(0, fg).cpu().data<long>().ToArray();
            var masks = targets[i].Masks ?? throw new InvalidOperationException("Mask R-CNN needs instance masks in the training data.");
            for (int j = 0; j < matched.Length; j++)
                maskTargets.Add(Target(masks[(int)matched[j]], boxes.AsSpan(4 * j, 4), m));
        }
        var target = stack(maskTargets).to(chosen.device);
        return nn.functional.binary_cross_entropy_with_logits(chosen, target);
    }

    private static Tensor Target(InstanceMask mask, ReadOnlySpan<float> box, int size)
    {
        if (mask.Polygons is { } polygons)
            return MaskTargets.FromPolygons(polygons, box[0], box[1], box[2], box[3], size);
        var rle = mask.Bitmask!;
        var bits = tensor(rle.Decode().Select(b => (float)b).ToArray(), [1, rle.Height, rle.Width]);
        return MaskTargets.FromBitmasks(bits, tensor(box.ToArray(), [1, 4]), size)[0];
    }
}
