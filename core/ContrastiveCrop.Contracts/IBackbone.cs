using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Contracts;

/// <summary>
/// The encoder being pretrained. Its <see cref="Network"/> maps images (N, 3, H, W) to pooled
/// features (N, <see cref="FeatureDim"/>); <see cref="FeatureMap"/> exposes the last convolutional
/// stage before pooling (N, C, h, w), which ContrastiveCrop turns into heatmaps.
/// </summary>
public interface IBackbone
{
    /// <summary>The module holding every parameter and buffer; its forward returns pooled features.</summary>
    nn.Module<Tensor, Tensor> Network { get; }

    /// <summary>Width of the pooled feature.</summary>
    int FeatureDim { get; }

    /// <summary>The output of the last convolutional stage, before pooling.</summary>
    Tensor FeatureMap(Tensor images);

    /// <summary>Pools a feature map from <see cref="FeatureMap"/> to (N, <see cref="FeatureDim"/>).</summary>
    Tensor Pool(Tensor featureMap);

    /// <summary>
    /// A new backbone of the same architecture, on the same device and in the same train/eval mode,
    /// holding copies (not views) of this one's parameters and buffers. Momentum methods (MoCo,
    /// BYOL) build their key/target encoders with it.
    /// </summary>
    IBackbone Copy();
}
