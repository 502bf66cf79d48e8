using TorchSharp;

namespace ContrastiveCrop.Contracts;

/// <summary>
/// A plugin with state that must survive a checkpoint/resume cycle (e.g. ContrastiveCrop's boxes).
/// The host stores the tensors in the checkpoint under the plugin's kind and name.
/// </summary>
public interface IStatefulPlugin
{
    /// <summary>Returns the state as named CPU tensors; the host disposes them after writing.</summary>
    IReadOnlyDictionary<string, torch.Tensor> GetState();

    /// <summary>Restores the state written by <see cref="GetState"/>; the tensors are owned by the caller.</summary>
    void SetState(IReadOnlyDictionary<string, torch.Tensor> state);
}
