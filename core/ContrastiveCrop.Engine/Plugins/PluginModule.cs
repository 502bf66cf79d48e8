using Autofac;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>
/// Registers every catalogued plugin type in Autofac, keyed by its <see cref="PluginKey"/>, one new
/// instance per resolution. The host adds this module to its container.
/// </summary>
public sealed class PluginModule(PluginCatalog catalog) : Module
{
    /// <inheritdoc />
    protected override void Load(ContainerBuilder builder)
    {
        foreach (var descriptor in catalog.All)
            builder.RegisterType(descriptor.Type).Keyed<object>(descriptor.Key).InstancePerDependency();
        builder.RegisterInstance(catalog).SingleInstance();
        builder.RegisterType<PluginFactory>().SingleInstance();
    }
}
