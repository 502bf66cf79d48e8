using TorchSharp;

namespace ContrastiveCrop.Contracts;

/// <summary>
/// A crop sampler that localises objects from the encoder's own feature maps (ContrastiveCrop's
/// semantic-aware localisation). At the epochs it asks for, the host runs the current encoder in
/// eval mode without gradients over the un-augmented training images and hands the last
/// convolutional feature maps to <see cref="UpdateFromFeatureMaps"/>, batch by batch.
/// </summary>
public interface ILocalizingCropSampler : ICropSampler, IStatefulPlugin
{
    /// <summary>
    /// Number of training images; the host calls this once before training so the sampler can
    /// size its per-image state.
    /// </summary>
    void Initialize(int imageCount);

    /// <summary>True when boxes should be recomputed after <paramref name="completedEpochs"/> of <paramref name="totalEpochs"/>.</summary>
    bool ShouldUpdateAfterEpoch(int completedEpochs, int totalEpochs);

    /// <summary>
    /// Updates the boxes of the images <paramref name="indices"/> from their feature maps
    /// (N, C, h, w), computed on inputs of <paramref name="inputHeight"/> × <paramref name="inputWidth"/>.
    /// </summary>
    void UpdateFromFeatureMaps(ReadOnlySpan<int> indices, torch.Tensor featureMaps, int inputHeight, int inputWidth);

    /// <summary>The current box of every image, in index order.</summary>
    IReadOnlyList<NormalizedBox> Boxes { get; }
}
