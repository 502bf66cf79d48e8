namespace ContrastiveCrop.Contracts;

/// <summary>
/// An immutable options record, bound from a recipe section (snake_case keys map to PascalCase
/// members) and validated before any work starts. A plugin's constructor takes at most one
/// parameter of such a type; the host binds it from the recipe section that selects the plugin.
/// </summary>
public interface IValidatableOptions
{
    /// <summary>
    /// Returns one error per invalid option; empty when the options are usable.
    /// Keys are the recipe keys relative to the section being validated (e.g. <c>alpha</c>).
    /// </summary>
    IEnumerable<OptionError> Validate() => [];
}

/// <summary>An invalid option: the recipe key and what is wrong with it.</summary>
/// <param name="Key">The recipe key relative to the section being validated.</param>
/// <param name="Message">What is wrong and what to do.</param>
public sealed record OptionError(string Key, string Message);
