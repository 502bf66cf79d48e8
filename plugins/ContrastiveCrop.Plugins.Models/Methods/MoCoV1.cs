using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>MoCo v1: <see cref="MoCo"/> with a linear head and τ = 0.07 by default.</summary>
[Plugin("moco-v1", Description = "MoCo v1: momentum key encoder, queue of negative keys, linear head, InfoNCE (τ 0.07).")]
public sealed class MoCoV1 : MoCo
{
    /// <summary>Builds MoCo with v1's head.</summary>
    public MoCoV1(MoCoV1Options options, IBackbone backbone) : base(options, backbone) { }
}
