namespace ContrastiveCrop.Imaging;

/// <summary>
/// The named view pipelines of the methods' papers and official code. The crop geometry is not
/// part of them: every view's crop comes from the configured crop sampler.
/// </summary>
/// <remarks>
/// Gaussian blur uses torchvision's kernel form with a kernel of 10% of the view side (23 px at
/// 224), as SimCLR and BYOL specify; MoCo v2's and SimSiam's official code call PIL's
/// <c>GaussianBlur(radius=σ)</c>, which approximates the same Gaussian with box filters. The paper
/// pipelines are the ImageNet ones; the official small-data configs (CIFAR, STL-10, Tiny-ImageNet) of
/// ContrastiveCrop use <see cref="Small"/> for every method (no blur, no solarize, SimCLR §B.9 too).
/// </remarks>
public static class AugmentationPipelines
{
    private static readonly ColorJitter Standard = new(0.4f, 0.4f, 0.4f, 0.1f);

    /// <summary>SimCLR (Chen et al. 2020, appendix A): jitter strength 1 (0.8, 0.8, 0.8, 0.2) with p 0.8, grey 0.2, blur p 0.5 σ ∈ [0.1, 2].</summary>
    public static AugmentationPipeline SimClr { get; } = new("simclr", Jitter: new ColorJitter(0.8f, 0.8f, 0.8f, 0.2f),
        BlurProbability: 0.5, BlurSigma: [0.1, 2.0], Source: "SimCLR paper, appendix A (ImageNet)");

    /// <summary>MoCo v1 (official main_moco.py): RandomGrayscale 0.2 then ColorJitter(0.4, 0.4, 0.4, 0.4) always, flip.</summary>
    public static AugmentationPipeline MoCoV1 { get; } = new("moco-v1", Jitter: new ColorJitter(0.4f, 0.4f, 0.4f, 0.4f),
        JitterProbability: 1.0, GrayscaleBeforeJitter: true, Source: "facebookresearch/moco main_moco.py (aug_plus off)");

    /// <summary>MoCo v2 (official main_moco.py --aug-plus): jitter (0.4, 0.4, 0.4, 0.1) p 0.8, grey 0.2, blur p 0.5 σ ∈ [0.1, 2], flip.</summary>
    public static AugmentationPipeline MoCoV2 { get; } = new("moco-v2", Jitter: Standard,
        BlurProbability: 0.5, BlurSigma: [0.1, 2.0], Source: "facebookresearch/moco main_moco.py --aug-plus");

    /// <summary>BYOL view 1 (Grill et al. 2020, table 6): jitter (0.4, 0.4, 0.2, 0.1) p 0.8, grey 0.2, blur always, no solarize.</summary>
    public static AugmentationPipeline Byol1 { get; } = new("byol-1", Jitter: new ColorJitter(0.4f, 0.4f, 0.2f, 0.1f),
        BlurProbability: 1.0, BlurSigma: [0.1, 2.0], SolarizeProbability: 0, Source: "BYOL paper, table 6 (view τ)");

    /// <summary>BYOL view 2: as view 1 but blur p 0.1 and solarize p 0.2.</summary>
    public static AugmentationPipeline Byol2 { get; } = Byol1 with { Name = "byol-2", BlurProbability = 0.1, SolarizeProbability = 0.2, Source = "BYOL paper, table 6 (view τ′)" };

    /// <summary>SimSiam (official main_simsiam.py): MoCo v2's pipeline.</summary>
    public static AugmentationPipeline SimSiam { get; } = MoCoV2 with { Name = "simsiam", Source = "facebookresearch/simsiam main_simsiam.py" };

    /// <summary>ContrastiveCrop's small-data pipeline (datasets/transforms/small.py), every method: flip, jitter (0.4, 0.4, 0.4, 0.1) p 0.8, grey 0.2.</summary>
    public static AugmentationPipeline Small { get; } = new("small", Jitter: Standard, Source: "xyupeng/ContrastiveCrop datasets/transforms/small.py");

    /// <summary>Crop, resize and flip only (for debugging and evaluation-style views).</summary>
    public static AugmentationPipeline CropFlip { get; } = new("crop-flip", JitterProbability: 0, GrayscaleProbability: 0, Source: "no colour augmentation");

    /// <summary>CLSA's strong view: MoCo v2's augmentation followed by RandAugment with 5 operations at magnitude 10.</summary>
    public static AugmentationPipeline ClsaStrong { get; } = MoCoV2 with
    {
        Name = "clsa-strong", RandAugment = new RandAugment.RandAugmenter(5, 10), Source = "CLSA paper §3.3 (maple-research-lab/CLSA)",
    };

    /// <summary>CLSA's strong view for small data: the small-data augmentation followed by RandAugment (5 ops, magnitude 10).</summary>
    public static AugmentationPipeline SmallStrong { get; } = Small with
    {
        Name = "small-strong", RandAugment = new RandAugment.RandAugmenter(5, 10), Source = "small + RandAugment as in CLSA",
    };

    /// <summary>Every named pipeline.</summary>
    public static IReadOnlyList<AugmentationPipeline> All { get; } = [SimClr, MoCoV1, MoCoV2, Byol1, Byol2, SimSiam, Small, CropFlip, ClsaStrong, SmallStrong];

    /// <summary>The pipeline called <paramref name="name"/>; throws <see cref="ArgumentException"/> listing the known names.</summary>
    public static AugmentationPipeline Get(string name) =>
        All.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown augmentation pipeline '{name}' (set by the method's 'pipeline' option); known pipelines: {string.Join(", ", All.Select(p => p.Name))}.");
}
