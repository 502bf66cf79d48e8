using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// What the linear probe does to the frozen features before its classifier, so that one learning
/// rate suits backbones whose features differ in scale by orders of magnitude:
/// <list type="bullet">
/// <item><c>none</c>: features as they come (the ContrastiveCrop/MoCo protocol).</item>
/// <item><c>batch-norm</c>: BatchNorm without affine parameters (MAE's linear probing, eps 1e-6):
/// batch statistics while training, the running estimates (momentum 0.1) when classifying.</item>
/// <item><c>standardize</c>: per-dimension mean and variance of the training features, computed
/// once, applied to training and test features alike: (x − μ)/√(σ² + eps).</item>
/// </list>
/// </summary>
public sealed class FeatureNormalization : IDisposable
{
    /// <summary>The option values.</summary>
    public const string None = "none", BatchNorm = "batch-norm", Standardize = "standardize";

    /// <summary>Added to the variance, as MAE's BatchNorm1d(eps=1e-6).</summary>
    public const double Epsilon = 1e-6;

    private readonly TorchSharp.Modules.BatchNorm1d? _batchNorm;
    private readonly Tensor? _mean, _scale;

    private FeatureNormalization(TorchSharp.Modules.BatchNorm1d? batchNorm, Tensor? mean, Tensor? scale) =>
        (_batchNorm, _mean, _scale) = (batchNorm, mean, scale);

    /// <summary>
    /// The normalisation <paramref name="mode"/> for <paramref name="dimension"/>-d features;
    /// <paramref name="trainFeatures"/> supplies the statistics of <c>standardize</c> (unused otherwise).
    /// </summary>
    public static FeatureNormalization Create(string mode, long dimension, Func<Tensor> trainFeatures, Device device)
    {
        switch (mode)
        {
            case None:
                return new FeatureNormalization(null, null, null);
            case BatchNorm:
                return new FeatureNormalization(nn.BatchNorm1d(dimension, eps: Epsilon, momentum: 0.1, affine: false).to(device), null, null);
            case Standardize:
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var features = trainFeatures().to(ScalarType.Float64);
                    var mean = features.mean([0]);
                    var variance = features.var(0, unbiased: false);
                    var scale = (variance + Epsilon).rsqrt();
                    return new FeatureNormalization(null, mean.to(ScalarType.Float32).to(device).MoveToOuterDisposeScope(),
                                                    scale.to(ScalarType.Float32).to(device).MoveToOuterDisposeScope());
                }
            default:
                throw new ArgumentException($"feature_norm '{mode}' is not one of {None}, {BatchNorm}, {Standardize}.", nameof(mode));
        }
    }

    /// <summary>The module whose state must be checkpointed with the classifier (the BatchNorm's running statistics); null for the other modes.</summary>
    public nn.Module? Module => _batchNorm;

    /// <summary>Normalises a batch; <paramref name="training"/> selects batch statistics for <c>batch-norm</c>.</summary>
    public Tensor Apply(Tensor features, bool training)
    {
        if (_batchNorm is not null)
        {
            // Batch statistics of a single row are undefined (torch raises): a last batch of one uses the running estimates.
            _batchNorm.train(training && features.shape[0] > 1);
            return _batchNorm.call(features);
        }
        return _mean is null ? features : (features - _mean) * _scale!;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _batchNorm?.Dispose();
        _mean?.Dispose();
        _scale?.Dispose();
    }
}
