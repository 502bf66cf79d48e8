using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>
/// Reads an assembly's metadata without loading it, to decide whether it is a plugin (it references
/// the contracts assembly) and against which contracts version it was built.
/// </summary>
public static class PluginAssemblyProbe
{
    /// <summary>The contracts assembly's simple name.</summary>
    public const string ContractsAssemblyName = "ContrastiveCrop.Contracts";

    /// <summary>
    /// Returns the version of the contracts assembly <paramref name="path"/> references, or null when
    /// it does not reference it (or is not a managed assembly).
    /// </summary>
    public static Version? ReferencedContractsVersion(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) return null;
            var reader = pe.GetMetadataReader();
            if (!reader.IsAssembly) return null;
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetAssemblyReference(handle);
                if (reader.GetString(reference.Name) == ContractsAssemblyName) return reference.Version;
            }
            return null;
        }
        catch (BadImageFormatException)
        {
            return null; // a native library or other non-managed file beside the plugin
        }
    }
}
