namespace ContrastiveCrop.Sdk.Training;

/// <summary>
/// Implemented by a method some of whose views show another image than the one they belong to (WCL's
/// KNN multi-crop: small views cropped from the image's nearest neighbours). The pretraining loader asks
/// it for every view; the view's randomness stays keyed by the image it belongs to.
/// </summary>
public interface IViewImageSelector
{
    /// <summary>
    /// The training-set index of the image view <paramref name="view"/> of image <paramref name="index"/> is
    /// cropped from: <paramref name="index"/> itself for ordinary views. Called concurrently while batches are
    /// built; the answer may change only between epochs (from hooks).
    /// </summary>
    int ImageFor(int index, int view);
}
