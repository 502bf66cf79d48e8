namespace ContrastiveCrop.Contracts;

/// <summary>
/// Implemented by a downstream task's options record when the task needs something of the backbone it is given
/// (a detector initialised from it needs the same depth, width and stem), so the host can say so before
/// pretraining rather than after it: <c>ccrop recipe check</c> and <c>ccrop run</c> build the recipe's backbone
/// (untrained) and hand its parameter and buffer shapes to every stage that implements this (added in contracts 2.1).
/// </summary>
public interface IBackboneChecks
{
    /// <summary>
    /// One error per incompatibility (key: the option of this stage to change; message: the tensor, both shapes and
    /// what to set); empty when the stage can use the backbone.
    /// </summary>
    /// <param name="backboneShapes">Every tensor of the backbone's state, by name, with its shape.</param>
    /// <param name="backboneDescription">How the recipe describes the backbone, for messages (e.g. its section's key path).</param>
    IEnumerable<OptionError> CheckBackbone(IReadOnlyDictionary<string, long[]> backboneShapes, string backboneDescription);
}
