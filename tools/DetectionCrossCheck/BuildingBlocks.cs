using System.Globalization;
using System.Text.Json;
using ContrastiveCrop.Detection.Boxes;
using static TorchSharp.torch;

/// <summary>
/// Writes random inputs and our outputs of the detection building blocks (box coder, matcher, IoU,
/// NMS, batched NMS, aligned RoIAlign forward and backward) as raw little-endian tensors plus a
/// manifest, for blocks_crosscheck.py to recompute with torchvision and compare.
/// </summary>
internal static class BuildingBlocks
{
    public static void Write(string folder, int seed)
    {
        Directory.CreateDirectory(folder);
        var manifest = new Dictionary<string, object>();
        void Save(string name, Tensor t)
        {
            var c = t.detach().cpu().contiguous();
            File.WriteAllBytes(Path.Combine(folder, name + ".bin"), c.bytes.ToArray());
            manifest[name] = new { dtype = c.dtype == ScalarType.Int64 ? "int64" : "float32", shape = c.shape };
        }
        var g = manual_seed(seed);
        Tensor Boxes(int n, float extent, float minSide, float maxSide)
        {
            var xy = rand([n, 2], generator: g) * extent;
            var wh = rand([n, 2], generator: g) * (maxSide - minSide) + minSide;
            return cat([xy, xy + wh], 1);
        }

        // Box coder (10, 10, 5, 5): encode proposals → GT, decode deltas with some |dw|, |dh| far beyond the clamp.
        var proposals = Boxes(2000, 400, 4, 200);
        var gt = Boxes(2000, 400, 4, 200);
        var deltas = randn([2000, 8], generator: g) * 3;
        deltas[..100, 2] = tensor(40f);
        var coder = BoxCoder.RoiHeads();
        Save("coder_proposals", proposals); Save("coder_gt", gt); Save("coder_deltas", deltas);
        Save("ours_encode", coder.Encode(proposals, gt));
        Save("ours_decode", coder.Decode(deltas, proposals));

        // IoU and the matchers (RPN 0.3 / 0.7 with low-quality matches, ROI heads 0.5): 12 GT against 3000 anchors.
        // (A GT overlapping no anchor would make every zero-IoU anchor a low-quality match in both libraries.)
        var anchors = Boxes(3000, 300, 8, 120);
        var gtBoxes = Boxes(12, 300, 10, 150);
        var iou = BoxOps.PairwiseIou(gtBoxes, anchors);
        var (matches, labels) = Matcher.Rpn().Match(iou);
        var (roiMatches, roiLabels) = Matcher.RoiHeads().Match(iou);
        Save("match_anchors", anchors); Save("match_gt", gtBoxes); Save("ours_iou", iou);
        Save("ours_matches", matches); Save("ours_labels", labels);
        Save("ours_roi_matches", roiMatches); Save("ours_roi_labels", roiLabels);

        // NMS at 0.5 and 0.7 and per-class NMS over 5 classes, on clustered boxes with distinct scores.
        var centres = rand([20, 2], generator: g) * 300;
        var pick = randint(0, 20, [1500], generator: g);
        var xy = centres.index_select(0, pick) + randn([1500, 2], generator: g) * 8;
        var wh = rand([1500, 2], generator: g) * 40 + 20;
        var nmsBoxes = cat([xy, xy + wh], 1);
        var scores = randperm(1500, generator: g).to(ScalarType.Float32) / 1500;
        var classes = randint(0, 5, [1500], generator: g);
        Save("nms_boxes", nmsBoxes); Save("nms_scores", scores); Save("nms_classes", classes);
        Save("ours_nms_0.5", Nms.Apply(nmsBoxes, scores, 0.5));
        Save("ours_nms_0.7", Nms.Apply(nmsBoxes, scores, 0.7));
        Save("ours_batched_nms_0.5", Nms.Batched(nmsBoxes, scores, classes, 0.5));

        // RoIAlign aligned, 14×14, scale 1/16, adaptive sampling; ROIs of 2–300 px, some past the border.
        var features = randn([2, 6, 20, 30], generator: g).requires_grad_(true);
        var roiBoxes = Boxes(96, 480, 2, 300) - 20;
        var batch = randint(0, 2, [96, 1], generator: g).to(ScalarType.Float32);
        var rois = cat([batch, roiBoxes], 1);
        var pooled = new RoiAlign(14, 14, 1.0 / 16, samplingRatio: 0, aligned: true).Forward(features, rois);
        var upstream = randn(pooled.shape, generator: g);
        (pooled * upstream).sum().backward();
        Save("roi_features", features); Save("roi_rois", rois); Save("roi_upstream", upstream);
        Save("ours_roi_align", pooled); Save("ours_roi_align_grad", features.grad!);
        var pooled2 = new RoiAlign(7, 7, 1.0 / 16, samplingRatio: 2, aligned: true).Forward(features.detach(), rois);
        Save("ours_roi_align_s2", pooled2);

        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {manifest.Count} tensors to {folder} (seed {seed})"));
    }
}
