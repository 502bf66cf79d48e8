namespace ContrastiveCrop.Detection.Evaluation;

/// <summary>What COCO evaluation compares: boxes or masks.</summary>
public enum CocoIouType
{
    /// <summary>Boxes, [x, y, w, h] without "+1".</summary>
    Bbox,
    /// <summary>Masks as RLEs.</summary>
    Segm,
}
