namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Options of the <c>moco-v1</c> method: MoCo v1's linear head and τ = 0.07 (ContrastiveCrop's
/// ImageNet MoCo v1 configs); everything else as <see cref="MoCoOptions"/>.
/// </summary>
/// <param name="ProjectionDim">Width of queries and keys (128).</param>
/// <param name="QueueSize">K, the number of queued negative keys (65536).</param>
/// <param name="Momentum">m of the key encoder's EMA (0.999).</param>
/// <param name="Temperature">τ of InfoNCE (0.07).</param>
/// <param name="Symmetric">Also use the swapped pair and average the two losses.</param>
/// <param name="Pipeline">Augmentation pipeline of both views.</param>
/// <param name="ImageSize">Side length of the views; null for the data set's size.</param>
public sealed record MoCoV1Options(
    int ProjectionDim = 128,
    int QueueSize = 65536,
    double Momentum = 0.999,
    double Temperature = 0.07,
    bool Symmetric = false,
    string Pipeline = "moco-v1",
    int? ImageSize = null)
    : MoCoOptions(ProjectionDim, HiddenDim: null, MlpHead: false, QueueSize, Momentum, Temperature, Symmetric, Pipeline, ImageSize);
