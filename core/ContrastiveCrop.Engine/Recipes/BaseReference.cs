using System;
using System.IO;

namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// Where a <c>_base_</c> entry points: a path relative to the file that names it, or, with the prefix
/// <c>ccrop://</c>, a file of the platform's own recipe parts shipped beside <c>ccrop</c>
/// (<c>ccrop://_base_/methods/simclr.yaml</c> is <c>&lt;ccrop's folder&gt;/configs/_base_/methods/simclr.yaml</c>).
/// </summary>
/// <remarks>
/// The prefix lets a recipe kept outside the repository (a plugin's own project, a template) build on the
/// platform's parts without knowing where the platform is installed; a relative path would break as soon
/// as the recipe moves.
/// </remarks>
public static class BaseReference
{
    /// <summary>The prefix of platform parts.</summary>
    public const string PlatformPrefix = "ccrop://";

    /// <summary>The folder that ccrop:// addresses: <c>configs</c> beside the running program.</summary>
    public static string PlatformConfigs => Path.Combine(AppContext.BaseDirectory, "configs");

    /// <summary>The full path <paramref name="reference"/> names, written in a file in <paramref name="folder"/>.</summary>
    public static string Resolve(string reference, string folder) =>
        reference.StartsWith(PlatformPrefix, StringComparison.Ordinal)
            ? Path.GetFullPath(Path.Combine(PlatformConfigs, reference[PlatformPrefix.Length..]))
            : Path.GetFullPath(Path.Combine(folder, reference));

    /// <summary>
    /// What to say when the file <paramref name="reference"/> names does not exist: for a platform part, where
    /// ccrop looked; for a relative path into a <c>_base_</c> folder (a recipe copied out of the repository), the
    /// ccrop:// form that finds the platform's copy.
    /// </summary>
    public static string Missing(string reference, string resolved)
    {
        if (reference.StartsWith(PlatformPrefix, StringComparison.Ordinal))
            return $"platform recipe part not found: {resolved} ({PlatformPrefix} names files under {PlatformConfigs}, shipped beside ccrop; " +
                   "check the spelling against that folder)";
        var normalised = reference.Replace('\\', '/');
        int at = normalised.IndexOf("_base_/", StringComparison.Ordinal);
        var platform = at < 0 ? null : PlatformPrefix + normalised[at..];
        var hint = platform is null ? ""
            : File.Exists(Resolve(platform, "")) ? $"; if this recipe was copied out of the repository, use the platform's part: {platform}"
            : $"; the platform's own parts are addressed as {PlatformPrefix}_base_/<folder>/<file>.yaml";
        return $"base file not found: {resolved}{hint}";
    }
}
