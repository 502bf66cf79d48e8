using ContrastiveCrop.Contracts;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>A discovered plugin type: what it is called, what it implements and where it came from.</summary>
/// <param name="Kind">The contract it implements.</param>
/// <param name="Name">The name recipes use.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Type">The implementing class (in the plugin's load context).</param>
/// <param name="OptionsType">Its options record type, if its constructor takes one.</param>
/// <param name="AssemblyPath">Full path of the assembly that defines it.</param>
/// <param name="Version">The assembly's informational version.</param>
public sealed record PluginDescriptor(
    PluginKind Kind, string Name, string Description, Type Type, Type? OptionsType, string AssemblyPath, string Version)
{
    /// <summary>The registry key of this plugin.</summary>
    public PluginKey Key => new(Kind, Name);

    /// <summary>
    /// The contracts version the plugin was built against (same major as the host's; the minor says which additions it
    /// knows, e.g. a task before 2.2 does not read <c>DownstreamContext.Occurrence</c>).
    /// </summary>
    public Version Contracts { get; init; } = new(ContractsVersion.Major, ContractsVersion.Minor);
}

/// <summary>The registry key of a plugin: kind and name.</summary>
/// <param name="Kind">The contract.</param>
/// <param name="Name">The recipe name.</param>
public readonly record struct PluginKey(PluginKind Kind, string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"{PluginKinds.DisplayName(Kind)} '{Name}'";
}
