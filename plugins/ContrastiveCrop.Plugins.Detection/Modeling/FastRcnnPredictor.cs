using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// detectron2's FastRCNNOutputLayers on pooled res5 features: K + 1 class scores (background last)
/// from N(0, 0.01) weights and class-specific box deltas (4K) from N(0, 0.001) weights.
/// </summary>
internal sealed class FastRcnnPredictor : nn.Module<Tensor, (Tensor Scores, Tensor Deltas)>
{
    // Field names are detectron2's state_dict names.
    private readonly Linear cls_score;
    private readonly Linear bbox_pred;

    public FastRcnnPredictor(long inFeatures, int numClasses) : base(nameof(FastRcnnPredictor))
    {
        cls_score = nn.Linear(inFeatures, numClasses + 1);
        bbox_pred = nn.Linear(inFeatures, numClasses * 4);
        RegisterComponents();
        using var noGrad = no_grad();
        nn.init.normal_(cls_score.weight, 0, 0.01);
        nn.init.normal_(bbox_pred.weight, 0, 0.001);
        nn.init.zeros_(cls_score.bias!);
        nn.init.zeros_(bbox_pred.bias!);
    }

    /// <summary>Scores (R, K + 1) and deltas (R, 4K) of pooled features (R, C).</summary>
    public override (Tensor Scores, Tensor Deltas) forward(Tensor features) =>
        (cls_score.call(features), bbox_pred.call(features));
}
