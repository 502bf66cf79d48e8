using ContrastiveCrop.Build;
using TorchSharp;

namespace ContrastiveCrop.Engine.Runtime;

/// <summary>What <c>ccrop doctor</c> reports about the native libraries next to the running program.</summary>
/// <param name="LibTorchSharpPath">The libLibTorchSharp.so the program would load, if found.</param>
/// <param name="GlibcxxRequirement">How that library requires GLIBCXX_3.4.32: "weak (patched)", "strong", or "none".</param>
/// <param name="SystemLibstdcxx">The system libstdc++ found, and whether it provides GLIBCXX_3.4.32.</param>
/// <param name="TorchLoaded">True when TorchSharp initialised and ran a tensor operation.</param>
/// <param name="TorchError">Why initialisation failed, if it did.</param>
public sealed record NativeRuntimeStatus(
    string? LibTorchSharpPath, string GlibcxxRequirement, string SystemLibstdcxx, bool TorchLoaded, string? TorchError)
{
    /// <summary>The version requirement the Debian 12 fix concerns.</summary>
    public const string GlibcxxVersion = "GLIBCXX_3.4.32";

    /// <summary>Inspects the libraries under <paramref name="baseDirectory"/> and tries TorchSharp.</summary>
    public static NativeRuntimeStatus Probe(string baseDirectory)
    {
        var lib = Directory.Exists(baseDirectory)
            ? Directory.EnumerateFiles(baseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        var requirement = "library not found";
        if (lib is not null)
        {
            var need = ElfVersionNeeds.Read(lib).FirstOrDefault(n => n.Version == GlibcxxVersion);
            requirement = need is null ? "none" : need.IsWeak ? "weak (patched)" : "strong";
        }
        var has = ElfVersionNeeds.SystemLibstdcxxHas(GlibcxxVersion, out var system);
        var systemText = system is null ? "not found" : $"{system} ({(has ? "has" : "lacks")} {GlibcxxVersion})";
        try
        {
            using var t = torch.ones(2, 2).sum();
            return new NativeRuntimeStatus(lib, requirement, systemText, t.item<float>() == 4f, null);
        }
        catch (Exception e)
        {
            return new NativeRuntimeStatus(lib, requirement, systemText, false, (e.InnerException ?? e).Message);
        }
    }
}
