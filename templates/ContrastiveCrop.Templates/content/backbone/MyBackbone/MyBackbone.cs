using ContrastiveCrop.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MyBackbone;

/// <summary>
/// A small convolutional encoder: two 3×3 conv–batch-norm–ReLU stages (the second with stride 2) of
/// <see cref="MyBackboneOptions.Width"/> and twice that many channels, then global average pooling. Replace the
/// layers with your architecture; keep <see cref="FeatureMap"/> the last convolutional stage (ContrastiveCrop turns
/// it into heatmaps) and <see cref="Network"/> = pool(feature map).
/// </summary>
[Plugin("my-backbone", Description = "Two-stage conv encoder with global average pooling.")]
public sealed class MyBackbone : IBackbone
{
    private readonly MyBackboneOptions _options;
    private readonly Sequential _features;

    /// <summary>Builds the layers with fresh (PyTorch default) initial weights; the host moves them to the run's device.</summary>
    public MyBackbone(MyBackboneOptions options)
    {
        _options = options;
        int width = options.Width;
        _features = nn.Sequential(
            nn.Conv2d(3, width, 3, padding: 1, bias: false), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, 2 * width, 3, stride: 2, padding: 1, bias: false), nn.BatchNorm2d(2 * width), nn.ReLU());
        // Checkpoint keys are Network's state names: features.*.
        Network = nn.Sequential(("features", _features), ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()));
    }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Network { get; }

    /// <inheritdoc />
    public int FeatureDim => 2 * _options.Width;

    /// <inheritdoc />
    public Tensor FeatureMap(Tensor images) => _features.call(images);

    /// <inheritdoc />
    public Tensor Pool(Tensor featureMap) => featureMap.mean([2, 3]);

    /// <inheritdoc />
    public IBackbone Copy()
    {
        var copy = new MyBackbone(_options);
        copy.Network.to(Network.parameters().First().device);
        copy.Network.load_state_dict(Network.state_dict());
        copy.Network.train(Network.training);
        return copy;
    }
}

/// <summary>
/// Options of <see cref="MyBackbone"/>, bound from <c>pretrain.backbone</c> (snake_case keys → PascalCase init
/// properties, validated before the run starts; errors carry the recipe's file:line:column).
/// </summary>
public sealed record MyBackboneOptions : IValidatableOptions
{
    /// <summary>Channels of the first stage; the feature width is twice this.</summary>
    public int Width { get; init; } = 32;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Width < 1) yield return new OptionError("width", $"must be at least 1; got {Width}");
    }
}
