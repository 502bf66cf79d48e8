namespace ContrastiveCrop.Contracts;

/// <summary>
/// Marks a public, non-abstract class as a plugin and gives the name recipes use for it
/// (lower-case, kebab-case, e.g. <c>contrastive-crop</c>). Its kind follows from the contract
/// interface it implements.
/// </summary>
/// <remarks>
/// The class needs one public constructor. Its parameters may be: one options record implementing
/// <see cref="IValidatableOptions"/> (bound from the recipe section that selects the plugin), and any of
/// the context services the host provides (<see cref="IRunContext"/>, and for methods the
/// <see cref="IBackbone"/> being trained).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PluginAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The name recipes use to select this plugin.</param>
    public PluginAttribute(string name) => Name = name;

    /// <summary>The name recipes use to select this plugin.</summary>
    public string Name { get; }

    /// <summary>One line shown by <c>ccrop plugins list</c>.</summary>
    public string Description { get; init; } = "";
}
