using static TorchSharp.torch;

namespace ContrastiveCrop.Detection.Boxes;

/// <summary>
/// Draws at most <see cref="BatchSize"/> labelled examples with at most a fraction of positives,
/// filling the rest with negatives, as detectron2's subsample_labels: positives are labels that
/// are neither −1 (ignore) nor the background label; both sets are drawn uniformly without
/// replacement.
/// </summary>
public sealed class BalancedSampler
{
    /// <summary>Creates a sampler (RPN: 256, 0.5; ROI heads: 512, 0.25).</summary>
    public BalancedSampler(int batchSize, double positiveFraction)
    {
        if (batchSize <= 0) throw new ArgumentException($"Sampler batch size must be positive, got {batchSize}.");
        if (positiveFraction is < 0 or > 1) throw new ArgumentException($"Positive fraction must be in [0, 1], got {positiveFraction}.");
        BatchSize = batchSize;
        PositiveFraction = positiveFraction;
    }

    /// <summary>Examples drawn per image.</summary>
    public int BatchSize { get; }
    /// <summary>Largest share of positives.</summary>
    public double PositiveFraction { get; }

    /// <summary>Indices of the positives and negatives drawn from <paramref name="labels"/> (int64).</summary>
    public (Tensor Positive, Tensor Negative) Sample(Tensor labels, long backgroundLabel, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        var positive = labels.ne(-1).logical_and(labels.ne(backgroundLabel)).nonzero().flatten();
        var negative = labels.eq(backgroundLabel).nonzero().flatten();
        long numPositive = Math.Min(positive.shape[0], (long)(BatchSize * PositiveFraction));
        long numNegative = Math.Min(negative.shape[0], BatchSize - numPositive);
        var pos = positive[randperm(positive.shape[0], generator: generator)[..(int)numPositive].to(labels.device)];
        var neg = negative[randperm(negative.shape[0], generator: generator)[..(int)numNegative].to(labels.device)];
        return (pos.MoveToOuterDisposeScope(), neg.MoveToOuterDisposeScope());
    }
}
