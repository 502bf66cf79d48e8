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

    /// <summary>The checks every method's options share: projection and hidden widths, the view's pipeline and size.</summary>
    public static IEnumerable<OptionError> HeadAndView(int projectionDim, int? hiddenDim, string pipeline, int? imageSize)
    {
        if (projectionDim < 1)
            yield return new OptionError("projection_dim", $"projection_dim must be at least 1; got {projectionDim}.");
        if (hiddenDim is < 1)
            yield return new OptionError("hidden_dim", $"hidden_dim must be at least 1, or null for the backbone's feature width; got {hiddenDim}.");
        if (string.IsNullOrWhiteSpace(pipeline))
            yield return new OptionError("pipeline", "pipeline must name an augmentation pipeline.");
        if (imageSize is < 1)
            yield return new OptionError("image_size", $"image_size must be at least 1, or null for the data set's size; got {imageSize}.");
    }
}
