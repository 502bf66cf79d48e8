namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>The element-wise reductions of <see cref="IProcessGroup.AllReduce"/>.</summary>
public enum ReduceOp
{
    /// <summary>Σ over ranks (gradient averaging divides it by the world size afterwards).</summary>
    Sum,

    /// <summary>Maximum over ranks.</summary>
    Max,

    /// <summary>Minimum over ranks.</summary>
    Min,
}
