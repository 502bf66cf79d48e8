"""Reference side of `DetectionCrossCheck blocks DIR SEED`: torchvision 0.14 on the same inputs.

Reads the tensors the C# side wrote (raw little-endian + manifest.json) and prints, per building
block, the largest absolute difference (or the number of disagreements) between our outputs and
torchvision's BoxCoder, Matcher, box_iou, nms, batched_nms and roi_align (forward and backward).
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torchvision.models.detection._utils import BoxCoder, Matcher
from torchvision.ops import batched_nms, box_iou, nms, roi_align

folder = sys.argv[1]
manifest = json.load(open(os.path.join(folder, "manifest.json")))


def load(name):
    entry = manifest[name]
    data = np.fromfile(os.path.join(folder, name + ".bin"), dtype=np.dtype(entry["dtype"]).newbyteorder("<"))
    return torch.from_numpy(data.reshape(entry["shape"]).copy())


def report(name, ours, ref):
    ours, ref = ours.double(), ref.double()
    print(f"{name:34s} max |ours - torchvision| = {(ours - ref).abs().max().item():.3g}"
          f"   (max |value| {ref.abs().max().item():.3g})")


# Box coder: torchvision's encode_single(reference=GT, proposals), decode_single(deltas, boxes), clip log(1000/16).
coder = BoxCoder((10.0, 10.0, 5.0, 5.0), bbox_xform_clip=math.log(1000.0 / 16))
proposals, gt, deltas = load("coder_proposals"), load("coder_gt"), load("coder_deltas")
report("box coder encode", load("ours_encode"), coder.encode_single(gt, proposals))
decoded = torch.cat([coder.decode_single(deltas[:, 4 * k:4 * k + 4], proposals) for k in range(deltas.shape[1] // 4)], 1)
report("box coder decode (clamped dw/dh)", load("ours_decode"), decoded)

# IoU and matchers. torchvision: index ≥ 0 matched, −1 below low, −2 between; ours: label 1 / 0 / −1 and the index.
iou = box_iou(load("match_gt"), load("match_anchors"))
report("pairwise IoU", load("ours_iou"), iou)
for name, matcher, matches, labels in [
    ("RPN matcher 0.3/0.7 low-quality", Matcher(0.7, 0.3, allow_low_quality_matches=True), "ours_matches", "ours_labels"),
    ("ROI matcher 0.5", Matcher(0.5, 0.5, allow_low_quality_matches=False), "ours_roi_matches", "ours_roi_labels"),
]:
    ref = matcher(iou)
    ref_labels = torch.where(ref >= 0, 1, torch.where(ref == Matcher.BELOW_LOW_THRESHOLD, 0, -1))
    ours_labels, ours_matches = load(labels), load(matches)
    positive = ref >= 0
    print(f"{name:34s} label disagreements {(ours_labels != ref_labels).sum().item()} of {ref.numel()}, "
          f"matched-index disagreements {(ours_matches[positive] != ref[positive]).sum().item()} of {positive.sum().item()} positives")

# NMS and per-class NMS: kept indices in order.
boxes, scores, classes = load("nms_boxes"), load("nms_scores"), load("nms_classes")
for name, ref in [("nms 0.5", nms(boxes, scores, 0.5)), ("nms 0.7", nms(boxes, scores, 0.7)),
                  ("batched_nms 0.5", batched_nms(boxes, scores, classes, 0.5))]:
    ours = load("ours_" + name.replace(" ", "_"))
    same = ours.shape == ref.shape and bool((ours == ref).all())
    print(f"{name:34s} kept {ours.numel()} vs {ref.numel()}, identical indices in the same order: {same}")

# RoIAlign aligned=True, adaptive sampling (0) at 14×14 and sampling 2 at 7×7; backward with the same upstream gradient.
features = load("roi_features").requires_grad_(True)
rois = load("roi_rois")
pooled = roi_align(features, rois, (14, 14), 1 / 16, 0, True)
(pooled * load("roi_upstream")).sum().backward()
report("roi_align 14x14 adaptive forward", load("ours_roi_align"), pooled.detach())
report("roi_align 14x14 adaptive backward", load("ours_roi_align_grad"), features.grad)
report("roi_align 7x7 sampling 2 forward", load("ours_roi_align_s2"), roi_align(features.detach(), rois, (7, 7), 1 / 16, 2, True))
