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
    /// it does not reference it or is a native library (which may sit beside a plugin that uses it).
    /// </summary>
    /// <exception cref="PluginException">
    /// The file is not a loadable library at all: truncated, not a PE file, or with corrupt .NET metadata.
    /// Such a file would otherwise be skipped in silence, and the plugin it should hold reported as unknown.
    /// </exception>
    public static Version? ReferencedContractsVersion(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            // Reading the headers is lazy; touching them makes a truncated or non-PE file fail here.
            _ = pe.PEHeaders;
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginException($"Plugin folder file '{path}' cannot be read: {e.Message}", e);
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // The reader's own message may quote bytes of the damaged file; the exception type says enough.
            throw new PluginException(
                $"Plugin folder file '{path}' is not a valid .NET assembly or native library (truncated or corrupt: {e.GetType().Name}): " +
                "replace it with a good build of the plugin, or remove it.", e);
        }
    }
}
