using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Detection;

/// <summary>Faster R-CNN R50-C4 fine-tuning and evaluation (detectron2 / MoCo protocol).</summary>
[Plugin("faster-rcnn-c4", Description = "Faster R-CNN ResNet-C4 fine-tuned from the backbone (MoCo detectron2 protocol); VOC AP/AP50/AP75 or COCO bbox AP.")]
public sealed class FasterRcnnC4(RcnnOptions options) : RcnnC4Task(options, masks: false, "faster-rcnn-c4");
