namespace ContrastiveCrop.Contracts;

/// <summary>
/// A method that wants some views drawn from an image's nearest neighbours (WCL's KNN multi-crop).
/// When <see cref="NeighbourCount"/> is positive, the host keeps a table of every training image's
/// K nearest neighbours (cosine similarity of the backbone's pooled features on the un-augmented
/// images, eval mode, self excluded), recomputed at the end of each epoch from epoch
/// <see cref="NeighbourWarmupEpochs"/> on; in the following epoch the views marked
/// <see cref="ViewSpec.FromNeighbour"/> of image i are crops of i's neighbours instead of i. The
/// table is checkpointed with the run. Added in contracts 1.1.
/// </summary>
public interface INeighbourCropMethod : ISiameseMethod
{
    /// <summary>K: neighbours kept per image; 0 turns the table off.</summary>
    int NeighbourCount { get; }

    /// <summary>Epochs trained with ordinary views (crops of the image itself) before neighbours are used; at least 1.</summary>
    int NeighbourWarmupEpochs { get; }
}
