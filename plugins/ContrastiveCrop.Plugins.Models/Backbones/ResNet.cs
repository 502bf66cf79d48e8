using ContrastiveCrop.Contracts;
using ContrastiveCrop.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Backbones;

/// <summary>
/// ResNet-18/34/50 with torchvision's parameter names and layout (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1</c>…<c>layer4</c>, blocks with <c>downsample.0</c>/<c>downsample.1</c>) but without
/// <c>fc</c>: the network's output is the globally average-pooled feature, so its state_dict maps
/// one to one onto torchvision's minus <c>fc.*</c>.
/// </summary>
/// <remarks>
/// One plugin class for all depths: depth is just an option of the same architecture, so recipes
/// say <c>backbone: {name: resnet, depth: 50}</c> and every depth gets the width, stem and init
/// options for free. The per-depth constructors are the static <see cref="ResNet18"/>,
/// <see cref="ResNet34"/> and <see cref="ResNet50"/> helpers.
/// </remarks>
[Plugin("resnet", Description = "ResNet-18/34/50 encoder (torchvision layout, no fc); optional CIFAR stem and width multiplier.")]
public sealed class ResNet : nn.Module<Tensor, Tensor>, IBackbone
{
    // Field names are the state_dict names, declared in torchvision's registration order.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;

    /// <summary>Builds the network and initialises it as torchvision does.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ResNet(ResNetOptions options) : base($"ResNet{options.Depth}")
    {
        OptionChecks.ThrowIfInvalid(options);
        Options = options;

        var layout = ResNetLayout.Of(options.Depth);
        var blocksPerStage = layout.BlocksPerStage;
        int width = options.BaseWidth;
        conv1 = options.SmallDataStem
            ? nn.Conv2d(3, width, kernel_size: 3, stride: 1, padding: 1, bias: false)
            : nn.Conv2d(3, width, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(width);

        long channels = width;
        layer1 = ResNetStages.Stage(layout, ref channels, width, blocksPerStage[0], stride: 1);
        layer2 = ResNetStages.Stage(layout, ref channels, width * 2, blocksPerStage[1], stride: 2);
        layer3 = ResNetStages.Stage(layout, ref channels, width * 4, blocksPerStage[2], stride: 2);
        layer4 = ResNetStages.Stage(layout, ref channels, width * 8, blocksPerStage[3], stride: 2);
        FeatureDim = checked((int)channels);

        RegisterComponents();
        ResNetStages.Initialize(this, options.ZeroInitResidual);
    }

    /// <summary>torchvision's <c>resnet18()</c> without <c>fc</c>, or a variant of it.</summary>
    public static ResNet ResNet18(double widthMultiplier = 1.0, bool smallDataStem = false) =>
        new(new ResNetOptions(18, widthMultiplier, smallDataStem));

    /// <summary>torchvision's <c>resnet34()</c> without <c>fc</c>, or a variant of it.</summary>
    public static ResNet ResNet34(double widthMultiplier = 1.0, bool smallDataStem = false) =>
        new(new ResNetOptions(34, widthMultiplier, smallDataStem));

    /// <summary>torchvision's <c>resnet50()</c> without <c>fc</c>, or a variant of it.</summary>
    public static ResNet ResNet50(double widthMultiplier = 1.0, bool smallDataStem = false) =>
        new(new ResNetOptions(50, widthMultiplier, smallDataStem));

    /// <summary>The options this network was built from.</summary>
    public ResNetOptions Options { get; }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Network => this;

    /// <summary>Channels of <c>layer4</c>: 8·base width, times 4 for ResNet-50 (512 / 2048 at width 1).</summary>
    public int FeatureDim { get; }

    /// <summary>The output of <c>layer4</c>, (N, <see cref="FeatureDim"/>, H/32, W/32), or H/8 × W/8 with the small-data stem.</summary>
    public Tensor FeatureMap(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(images)));
        if (!Options.SmallDataStem)
            x = nn.functional.max_pool2d(x, kernel_size: [3], strides: [2], padding: [1]);
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Global average pooling and flattening: (N, C, h, w) → (N, C).</summary>
    public Tensor Pool(Tensor featureMap)
    {
        using var scope = NewDisposeScope();
        return nn.functional.adaptive_avg_pool2d(featureMap, [1, 1]).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>Pooled features (N, <see cref="FeatureDim"/>) of images (N, 3, H, W).</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return Pool(FeatureMap(images)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IBackbone Copy()
    {
        var copy = new ResNet(Options);
        copy.to(ModuleState.DeviceOf(this));
        ModuleState.CopyInto(this, copy);
        copy.train(training);
        return copy;
    }
}
