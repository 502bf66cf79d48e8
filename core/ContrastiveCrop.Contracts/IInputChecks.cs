namespace ContrastiveCrop.Contracts;

/// <summary>
/// Implemented by an options record that names files of its own, outside the run's data set (a detection task's
/// VOCdevkit, annotation files and image folders, a weights file), so the host can check them before any work
/// starts, as it checks the data set's splits through <see cref="IDataRequirements"/>: <c>ccrop recipe check</c> and
/// <c>ccrop run</c> call it for every plugin the recipe uses, before a run folder exists, and report each problem at
/// the recipe key it names.
/// </summary>
/// <remarks>
/// Read listings, headers and small index or annotation files; do not decode every image. Write nothing. Relative
/// paths are resolved as the plugin resolves them when it runs.
/// </remarks>
public interface IInputChecks
{
    /// <summary>
    /// One error per problem found (a missing folder or file, an unreadable or malformed index, a name the files use
    /// that the options do not allow): <see cref="OptionError.Key"/> is the option (relative to the plugin's section)
    /// to change, the message names the path and what to do. Empty when the files are usable.
    /// </summary>
    IEnumerable<OptionError> CheckInputs();
}
