using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Plugins;

/// <summary>
/// Constructors re-check their options: the host validates before building, but tests and other
/// callers construct plugins directly.
/// </summary>
internal static class OptionChecks
{
    public static void ThrowIfInvalid(IValidatableOptions options)
    {
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
            throw new ArgumentException(
                $"Invalid {options.GetType().Name}: " + string.Join(" ", errors.Select(e => $"{e.Key}: {e.Message}")), nameof(options));
    }
}
