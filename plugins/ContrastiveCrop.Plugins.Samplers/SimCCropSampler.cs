using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Cropping;

namespace ContrastiveCrop.Plugins.Samplers;

/// <summary>
/// The official SimCCrop ablation: ContrastiveCrop's centre-suppressed placement inside one fixed
/// box (the central half of the image by default) from the first epoch on, never updated.
/// </summary>
[Plugin("simccrop", Description = "SimCCrop: crop centres Beta(α, α) inside a fixed central box, never updated.")]
public sealed class SimCCropSampler(SimCCropOptions options) : ICropSampler
{
    private readonly BoxedCropPlacement _placement = new(options.Range, options.Alpha);
    private readonly NormalizedBox _box = options.FixedBox;

    /// <inheritdoc />
    public CropBox Sample(in CropRequest request, Random random) => _placement.Sample(request.Height, request.Width, _box, random, request.Scale);
}
