using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>
/// Every plugin found, indexed by (kind, name), plus the problems met while looking for them.
/// </summary>
public sealed class PluginCatalog
{
    private readonly Dictionary<PluginKey, PluginDescriptor> _byKey = new();

    /// <summary>Indexes <paramref name="descriptors"/>; two plugins claiming one (kind, name) is a problem.</summary>
    public PluginCatalog(IEnumerable<PluginDescriptor> descriptors, IEnumerable<string> problems)
    {
        var allProblems = problems.ToList();
        foreach (var descriptor in descriptors)
        {
            if (_byKey.TryGetValue(descriptor.Key, out var first))
            {
                allProblems.Add(
                    $"Two plugins claim the {descriptor.Key}: {first.Type.FullName} in '{first.AssemblyPath}' and " +
                    $"{descriptor.Type.FullName} in '{descriptor.AssemblyPath}'. Remove one of the assemblies from the plugin folders or rename one plugin.");
                continue;
            }
            _byKey.Add(descriptor.Key, descriptor);
        }
        Problems = allProblems;
    }

    /// <summary>All plugins, ordered by kind then name.</summary>
    public IReadOnlyList<PluginDescriptor> All =>
        _byKey.Values.OrderBy(d => d.Kind).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();

    /// <summary>Problems found while discovering (incompatible, broken or duplicate plugins).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Throws one <see cref="PluginException"/> listing every problem, if there are any.</summary>
    public void EnsureNoProblems()
    {
        if (Problems.Count > 0)
            throw new PluginException(string.Join(Environment.NewLine, Problems));
    }

    /// <summary>The names known for <paramref name="kind"/>, sorted.</summary>
    public IReadOnlyList<string> Names(PluginKind kind) =>
        _byKey.Keys.Where(k => k.Kind == kind).Select(k => k.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Finds the plugin of <paramref name="kind"/> called <paramref name="name"/>; otherwise throws an
    /// error listing the known names of that kind (and a near miss, if any). <paramref name="where"/>
    /// says where the name came from, e.g. <c>recipe.yaml:4:9 (pretrain.sampler.name)</c>.
    /// </summary>
    public PluginDescriptor Get(PluginKind kind, string name, string where)
    {
        if (_byKey.TryGetValue(new PluginKey(kind, name), out var descriptor)) return descriptor;
        var known = Names(kind);
        var suggestion = EditDistance.Suggest(name, known);
        var hint = suggestion is null ? "" : $" Did you mean '{suggestion}'?";
        var list = known.Count == 0 ? "none are installed" : "known: " + string.Join(", ", known);
        var broken = Problems.Select(p => System.Text.RegularExpressions.Regex.Match(p, "'([^']+\\.dll)'")).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        var problems = Problems.Count == 0 ? ""
            : broken.Count > 0 ? $" It may be in a plugin file that could not be loaded: {string.Join(", ", broken)} (run 'ccrop plugins list')."
            : $" ({Problems.Count} plugin problem(s) were found too: run 'ccrop plugins list'.)";
        throw new PluginException($"{where}: unknown {PluginKinds.DisplayName(kind)} '{name}'; {list}.{hint}{problems}")
        {
            UnknownPlugin = new PluginKey(kind, name),
        };
    }
}
