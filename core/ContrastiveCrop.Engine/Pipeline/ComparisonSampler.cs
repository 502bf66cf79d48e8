using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Engine.Runs;

namespace ContrastiveCrop.Engine.Pipeline;

/// <summary>
/// The RandomResizedCrop that diagnostics compare a run's sampler with: the <c>random-resized-crop</c>
/// plugin, given the run sampler's <c>scale</c> and <c>ratio</c> so the two differ only in placement.
/// </summary>
internal static class ComparisonSampler
{
    private const string Name = "random-resized-crop";

    /// <summary>The comparison sampler, or null when that plugin is not installed.</summary>
    public static ICropSampler? RandomResizedCrop(PluginFactory factory, RecipeNode? samplerSection, RunContext run)
    {
        if (samplerSection is not RecipeMapping mapping || !factory.Catalog.Names(PluginKind.CropSampler).Contains(Name)) return null;
        var location = mapping.Location;
        var section = RecipeMapping.Empty(location).With("name", location, new RecipeScalar(Name, false, location));
        foreach (var key in new[] { "scale", "ratio" })
            if (mapping.GetEntry(key) is { } entry) section = section.With(key, entry.KeyLocation, entry.Value);
        return factory.Create<ICropSampler>(PluginKind.CropSampler, section, "pretrain.sampler", run);
    }
}
