using System.Globalization;
using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Detection;

/// <summary>
/// The ranges of <see cref="RcnnOptions"/> values beyond <see cref="RcnnOptions.Validate"/>'s first rules. Each value
/// outside them was accepted before and then, during the stage (after the pretraining), crashed in libtorch (a top-k of
/// 0 or less), overflowed or exhausted memory and disk (a generated set of 100,000-pixel or two billion images), or
/// silently did nothing or the wrong thing (rescale_backbone without a backbone, no detections kept, a momentum of 5).
/// </summary>
internal static class RcnnOptionBounds
{
    /// <summary>Largest generated image side, as <c>ccrop data generate detection --size</c> allows.</summary>
    public const int MaxGeneratedSize = 1024;

    /// <summary>Most bytes of generated pixels (both splits) drawn and written into the run folder.</summary>
    public const long MaxGeneratedBytes = 16L << 30;

    /// <summary>Every value out of its range, at its key.</summary>
    public static IEnumerable<OptionError> Check(RcnnOptions o)
    {
        if (o.Format == "generated")
        {
            if (o.GeneratedSize > MaxGeneratedSize)
                yield return new OptionError("generated_size", $"must be at most {MaxGeneratedSize} pixels (as for ccrop data generate detection --size); got {o.GeneratedSize}.");
            else if (o.GeneratedSize >= 32 && o.GeneratedTrainCount >= 1 && o.GeneratedTestCount >= 1 &&
                     ((long)o.GeneratedTrainCount + o.GeneratedTestCount) * o.GeneratedSize * o.GeneratedSize * 3 is var bytes && bytes > MaxGeneratedBytes)
                yield return new OptionError(o.GeneratedTrainCount >= o.GeneratedTestCount ? "generated_train_count" : "generated_test_count",
                    $"{o.GeneratedTrainCount:N0} + {o.GeneratedTestCount:N0} generated images of {o.GeneratedSize}² pixels are {Gib(bytes)} of pixels to draw and write " +
                    $"into the run folder; at most {Gib(MaxGeneratedBytes)} is allowed: generate fewer or smaller images.");
        }
        if (o.RescaleBackbone && o.Init != "backbone")
            yield return new OptionError("rescale_backbone", $"rescales the pretrained backbone's convolutions, so it needs init: backbone (got init: {o.Init}); remove it or set init: backbone.");
        foreach (var (key, value) in new[]
                 {
                     ("pre_nms_topk_train", o.PreNmsTopkTrain), ("post_nms_topk_train", o.PostNmsTopkTrain),
                     ("pre_nms_topk_test", o.PreNmsTopkTest), ("post_nms_topk_test", o.PostNmsTopkTest),
                     ("detections_per_image", o.DetectionsPerImage),
                 })
            if (value < 1) yield return new OptionError(key, $"must be at least 1; got {value}.");
        if (o.MaxSizeTrain < 32) yield return new OptionError("max_size_train", $"must be at least 32 pixels; got {o.MaxSizeTrain}.");
        if (o.MaxSizeTest < 32) yield return new OptionError("max_size_test", $"must be at least 32 pixels; got {o.MaxSizeTest}.");
        if (o.TestLimit < 0) yield return new OptionError("test_limit", $"must be 0 (every test image) or a positive number of images; got {o.TestLimit}.");
        if (!(o.Momentum is >= 0 and < 1)) yield return new OptionError("momentum", $"must be at least 0 and below 1 (detectron2 uses 0.9); got {Number(o.Momentum)}.");
        if (!(o.WeightDecay >= 0)) yield return new OptionError("weight_decay", $"must not be negative; got {Number(o.WeightDecay)}.");
        if (!(o.WarmupFactor is >= 0 and <= 1)) yield return new OptionError("warmup_factor", $"must be between 0 and 1 (the rate's fraction at the first iteration); got {Number(o.WarmupFactor)}.");
        if (!(o.Gamma > 0)) yield return new OptionError("gamma", $"must be positive (the rate is multiplied by it at each step); got {Number(o.Gamma)}.");
    }

    private static string Number(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";
}
