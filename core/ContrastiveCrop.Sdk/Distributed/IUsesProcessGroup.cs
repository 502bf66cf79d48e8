namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>
/// Implemented by a plugin whose computation spans the ranks of a data-parallel job (SimCLR's and WCL's global
/// negatives, MoCo's shuffled BatchNorm and gathered keys). Methods see no run context in their forward pass, so
/// the trainer hands them the run's group (<see cref="Training.RunServices.ProcessGroup"/>) once, before the
/// first step; a plugin that is never told keeps <see cref="SingleProcessGroup"/> and behaves as before.
/// </summary>
public interface IUsesProcessGroup
{
    /// <summary>Uses <paramref name="group"/> from now on.</summary>
    void UseProcessGroup(IProcessGroup group);
}
