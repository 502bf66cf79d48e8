using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging.Localization;
using ContrastiveCrop.Sdk.Hooks;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>
/// ContrastiveCrop (Peng et al., CVPR 2022): RandomResizedCrop until the first box update; after it,
/// crops of the same size distribution whose centres are drawn with Beta(α, α) inside each image's
/// box, the rectangular closure of the hot positions of the encoder's own heatmap.
/// </summary>
/// <remarks>
/// The sampler brings its own <see cref="BoxUpdateHook"/> to the pretraining loop (<see cref="CreateHooks"/>),
/// which sizes the boxes, recomputes them on schedule and writes the diagnostics; its boxes are checkpointed
/// as its <see cref="IStatefulPlugin"/> state. <see cref="Sample"/> may run on many threads at once; boxes
/// change only in <see cref="UpdateFromFeatureMaps"/> and <see cref="SetState"/>, which run between epochs,
/// never while the loader samples.
/// </remarks>
[Plugin("contrastive-crop", Description = "ContrastiveCrop: heatmap boxes from the encoder, crop centres Beta(α, α) inside the box.")]
public sealed class ContrastiveCropSampler : ICropSampler, IStatefulPlugin, IHookProvider
{
    private readonly ContrastiveCropOptions _options;
    private readonly RandomResizedCropSampler _beforeFirstUpdate;
    private readonly BoxedCropPlacement _placement;
    private NormalizedBox[] _boxes = [];
    private bool _localized;

    /// <summary>Creates the sampler; call <see cref="Initialize"/> before sampling.</summary>
    public ContrastiveCropSampler(ContrastiveCropOptions options)
    {
        _options = options;
        _beforeFirstUpdate = new RandomResizedCropSampler(options);
        _placement = new BoxedCropPlacement(options.Range, options.Alpha);
    }

    /// <summary>The current box of every image, in index order.</summary>
    public IReadOnlyList<NormalizedBox> Boxes => _boxes;

    /// <summary>RandomResizedCrop with this sampler's scale and ratio: what it samples before the first update, and the diagnostics' comparison.</summary>
    public ICropSampler RandomResizedCrop => _beforeFirstUpdate;

    /// <inheritdoc />
    public IEnumerable<HookBase> CreateHooks(HookContext context)
    {
        if (context.Backbone is null || context.TrainingData is null)
            throw new InvalidOperationException($"contrastive-crop needs the backbone and the training images of stage '{context.Stage}' to update its boxes.");
        yield return new BoxUpdateHook(this, context.Backbone, context.TrainingData, context.FeaturePass);
    }

    /// <summary>True once boxes came from heatmaps (an update, or a restored state that had one).</summary>
    public bool Localized => _localized;

    /// <summary>Sizes the boxes for <paramref name="imageCount"/> training images (whole images), keeping restored boxes that fit.</summary>
    public void Initialize(int imageCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imageCount);
        // A resumed run restores its boxes first; keep them when they fit the data.
        if (_boxes.Length == imageCount) return;
        if (_localized)
            throw new InvalidOperationException(
                $"contrastive-crop holds boxes for {_boxes.Length} images (restored from a checkpoint) but the training set has {imageCount}. " +
                "Resume with the data set the run was started with.");
        _boxes = Enumerable.Repeat(NormalizedBox.Whole, imageCount).ToArray();
    }

    /// <summary>True when boxes are due after <paramref name="completedEpochs"/> of <paramref name="totalEpochs"/>.</summary>
    public bool ShouldUpdateAfterEpoch(int completedEpochs, int totalEpochs) => _options.Schedule.IsDue(completedEpochs, totalEpochs);

    /// <inheritdoc />
    public CropBox Sample(in CropRequest request, Random random)
    {
        if (!_localized) return _beforeFirstUpdate.Sample(request, random);
        if ((uint)request.Index >= (uint)_boxes.Length)
            throw new ArgumentOutOfRangeException(nameof(request), $"contrastive-crop has boxes for {_boxes.Length} images; image {request.Index} was asked for.");
        return _placement.Sample(request.Height, request.Width, _boxes[request.Index], random, request.Scale);
    }

    /// <summary>
    /// Updates the boxes of the images <paramref name="indices"/> from their last feature maps (N, C, h, w),
    /// computed on inputs of <paramref name="inputHeight"/> × <paramref name="inputWidth"/>.
    /// </summary>
    public void UpdateFromFeatureMaps(ReadOnlySpan<int> indices, Tensor featureMaps, int inputHeight, int inputWidth)
    {
        if (featureMaps.shape[0] != indices.Length)
            throw new ArgumentException($"{indices.Length} indices were given for {featureMaps.shape[0]} feature maps.");
        var targets = indices.ToArray();
        foreach (int index in targets)
            if ((uint)index >= (uint)_boxes.Length)
                throw new ArgumentOutOfRangeException(nameof(indices), $"contrastive-crop has boxes for {_boxes.Length} images (call Initialize first); got index {index}.");
        var rule = _options.Rule;
        if (HeatmapBox.NeedsWholeHeatmap(rule))
        {
            using var heatmaps = HeatmapBox.Heatmaps(featureMaps, inputHeight, inputWidth);
            var heat = heatmaps.data<float>().ToArray();
            int plane = inputHeight * inputWidth;
            Parallel.For(0, targets.Length, i =>
                _boxes[targets[i]] = HeatmapBox.Locate(heat.AsSpan(i * plane, plane), inputHeight, inputWidth, rule));
        }
        else
        {
            // Fixed and target-area thresholds need only each heatmap's row and column maxima, which the tensor library reduces in batch.
            var (rowMax, columnMax) = HeatmapBox.Maxima(featureMaps, inputHeight, inputWidth);
            for (int i = 0; i < targets.Length; i++)
                _boxes[targets[i]] = HeatmapBox.Locate(rowMax.AsSpan(i * inputHeight, inputHeight), columnMax.AsSpan(i * inputWidth, inputWidth), rule);
        }
        _localized = true;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, Tensor> GetState()
    {
        var values = new float[_boxes.Length * 4];
        for (int i = 0; i < _boxes.Length; i++)
            (values[4 * i], values[4 * i + 1], values[4 * i + 2], values[4 * i + 3]) = (_boxes[i].H0, _boxes[i].W0, _boxes[i].H1, _boxes[i].W1);
        return new Dictionary<string, Tensor>
        {
            ["boxes"] = tensor(values, [_boxes.Length, 4]),
            ["localized"] = tensor(_localized ? 1L : 0L),
        };
    }

    /// <inheritdoc />
    public void SetState(IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("boxes", out var boxes) || !state.TryGetValue("localized", out var localized))
            throw new InvalidDataException($"The checkpoint's contrastive-crop state lacks 'boxes' or 'localized' (it has: {string.Join(", ", state.Keys)}).");
        if (boxes.dim() != 2 || boxes.shape[1] != 4)
            throw new InvalidDataException($"The checkpoint's contrastive-crop boxes have shape [{string.Join(", ", boxes.shape)}]; (N, 4) was expected.");
        var values = boxes.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
        var restored = new NormalizedBox[boxes.shape[0]];
        for (int i = 0; i < restored.Length; i++)
            restored[i] = new NormalizedBox(values[4 * i], values[4 * i + 1], values[4 * i + 2], values[4 * i + 3]);
        _boxes = restored;
        _localized = localized.to_type(ScalarType.Int64).item<long>() != 0;
    }
}
