using System.Reflection;
using ContrastiveCrop.Contracts;
using McMaster.NETCore.Plugins;
using TorchSharp;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>
/// Finds plugin assemblies in folders and loads each into its own load context, sharing the
/// contracts and TorchSharp with the host so their types are the same on both sides.
/// </summary>
/// <remarks>
/// A plugin assembly is any <c>.dll</c> in a searched folder or in one of its immediate
/// sub-folders that references <c>ContrastiveCrop.Contracts</c>. The usual layout is
/// <c>plugins/&lt;Name&gt;/&lt;Name&gt;.dll</c> with the plugin's private dependencies beside it.
/// </remarks>
public static partial class PluginDiscovery
{
    // The contracts, the SDK and TorchSharp are one copy shared by the host and every plugin, so their types are identical on both sides.
    private static readonly Type[] SharedTypes = [typeof(ICropSampler), typeof(ContrastiveCrop.Sdk.Hooks.HookBase), typeof(torch.Tensor)];

    /// <summary>Scans <paramref name="folders"/> (missing ones are reported) and returns the catalogue.</summary>
    public static PluginCatalog Discover(IEnumerable<string> folders)
    {
        var descriptors = new List<PluginDescriptor>();
        var problems = new List<string>();
        foreach (var folder in folders.Select(Path.GetFullPath).Distinct())
        {
            if (!Directory.Exists(folder))
            {
                problems.Add(File.Exists(folder)
                    ? $"Plugin folder '{folder}' is a file: give the folder holding the plugin DLLs in plugin_folders / --plugins."
                    : $"Plugin folder '{folder}' does not exist: create it or remove it from plugin_folders / --plugins.");
                continue;
            }
            foreach (var dll in CandidateAssemblies(folder))
            {
                Version? contracts;
                try
                {
                    contracts = PluginAssemblyProbe.ReferencedContractsVersion(dll);
                }
                catch (PluginException e)
                {
                    problems.Add(e.Message);
                    continue;
                }
                if (contracts is null) continue;
                if (contracts.Major != ContractsVersion.Major)
                {
                    problems.Add(
                        $"Plugin assembly '{dll}' was built against plugin contracts {contracts.Major}.{contracts.Minor}, " +
                        $"but this host provides contracts {ContractsVersion.Text}: rebuild the plugin against " +
                        $"ContrastiveCrop.Contracts {ContractsVersion.Major}.x or use a host of its version.");
                    continue;
                }
                try
                {
                    descriptors.AddRange(Load(dll).Select(d => d with { Contracts = contracts }));
                }
                catch (PluginException e)
                {
                    problems.Add(e.Message);
                }
            }
        }
        return new PluginCatalog(descriptors, problems);
    }

    private static IEnumerable<string> CandidateAssemblies(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.dll")
            .Concat(Directory.EnumerateDirectories(folder).SelectMany(d => Directory.EnumerateFiles(d, "*.dll")));
        return files.Where(f => !Path.GetFileName(f).Equals(PluginAssemblyProbe.ContractsAssemblyName + ".dll", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal);
    }

    private static IEnumerable<PluginDescriptor> Load(string dll)
    {
        var loader = PluginLoader.CreateFromAssemblyFile(dll, SharedTypes, config => config.PreferSharedTypes = true);
        Assembly assembly;
        Type[] types;
        try
        {
            assembly = loader.LoadDefaultAssembly();
            EnsureDependenciesLoad(assembly, loader, dll);
            types = assembly.GetExportedTypes();
        }
        catch (PluginException)
        {
            throw;
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or ReflectionTypeLoadException)
        {
            throw new PluginException($"Plugin assembly '{dll}' could not be loaded: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        catch (Exception e) when (e is TypeLoadException or ArgumentException or InvalidOperationException)
        {
            // Damaged metadata surfaces as odd errors (an unsupported culture of garbage bytes); the
            // message could quote those bytes, so only the kind of failure is shown.
            throw new PluginException($"Plugin assembly '{dll}' has corrupt metadata and cannot be loaded ({e.GetType().Name}): replace it with a good build.", e);
        }

        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? assembly.GetName().Version?.ToString() ?? "?";
        version = version.Split('+')[0]; // drop the source-revision suffix the SDK appends
        foreach (var type in types)
        {
            var attribute = type.GetCustomAttribute<PluginAttribute>();
            if (attribute is null) continue;
            var kinds = PluginKinds.Implemented(type).ToList();
            if (type.IsAbstract || kinds.Count == 0)
                throw new PluginException(
                    $"Type '{type.FullName}' in '{dll}' has [Plugin(\"{attribute.Name}\")] but is abstract or implements none of " +
                    "ICropSampler, ISiameseMethod, IBackbone, IDownstreamTask, IDatasetSource.");
            EnsureWellFormed(type, attribute, dll);
            var options = OptionsTypeOf(type, dll);
            foreach (var kind in kinds)
                yield return new PluginDescriptor(kind, attribute.Name, attribute.Description, type, options, dll, version);
        }
    }

    /// <summary>
    /// Resolves every referenced assembly now, so a missing dependency DLL is reported at discovery
    /// with its name rather than later as a JIT failure inside a training step.
    /// </summary>
    private static void EnsureDependenciesLoad(Assembly assembly, PluginLoader loader, string dll)
    {
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            try
            {
                loader.LoadAssembly(reference);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException)
            {
                throw new PluginException(
                    $"Plugin assembly '{dll}' needs '{reference.Name}' ({reference.Version}), which was not found: " +
                    $"copy {reference.Name}.dll into '{Path.GetDirectoryName(dll)}' (publishing the plugin with its dependencies does this).", e);
            }
        }
    }

    /// <summary>
    /// The two mistakes a plugin author makes that would otherwise surface later as a raw container error or an
    /// unusable name: a name that is not kebab-case, and an options record that does not implement
    /// <see cref="IValidatableOptions"/> (the host recognises options by that interface, so it would try to
    /// resolve the record as a service).
    /// </summary>
    private static void EnsureWellFormed(Type type, PluginAttribute attribute, string dll)
    {
        if (!KebabCase().IsMatch(attribute.Name))
            throw new PluginException(
                $"Plugin type '{type.FullName}' in '{dll}' is named '{attribute.Name}': plugin names are kebab-case " +
                "(lower-case letters and digits, words joined by '-', e.g. 'my-sampler'), as recipes write them.");
        foreach (var constructor in type.GetConstructors())
        foreach (var parameter in constructor.GetParameters())
        {
            var t = parameter.ParameterType;
            if (t.Assembly == type.Assembly && !typeof(IValidatableOptions).IsAssignableFrom(t))
                throw new PluginException(
                    $"Plugin type '{type.FullName}' in '{dll}' takes '{t.Name} {parameter.Name}', which the host cannot supply: " +
                    $"if '{t.Name}' is the plugin's options record, declare it as 'record {t.Name} : IValidatableOptions' " +
                    "(ContrastiveCrop.Contracts) with a Validate() that returns its errors (none if there is nothing to check).");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex KebabCase();

    private static Type? OptionsTypeOf(Type type, string dll)
    {
        var constructors = type.GetConstructors();
        if (constructors.Length != 1)
            throw new PluginException($"Plugin type '{type.FullName}' in '{dll}' must have exactly one public constructor, it has {constructors.Length}.");
        var options = constructors[0].GetParameters()
            .Select(p => p.ParameterType)
            .Where(t => typeof(IValidatableOptions).IsAssignableFrom(t))
            .ToList();
        if (options.Count > 1)
            throw new PluginException($"Plugin type '{type.FullName}' in '{dll}' takes {options.Count} options records; it may take at most one.");
        return options.SingleOrDefault();
    }
}
