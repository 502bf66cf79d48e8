using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Detection;

/// <summary>Mask R-CNN R50-C4 fine-tuning and evaluation (detectron2 / MoCo protocol, COCO format).</summary>
[Plugin("mask-rcnn-c4", Description = "Mask R-CNN ResNet-C4 (14×14 masks) fine-tuned from the backbone; COCO bbox and segm AP.")]
public sealed class MaskRcnnC4(RcnnOptions options) : RcnnC4Task(options, masks: true, "mask-rcnn-c4");
