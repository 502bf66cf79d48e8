using Autofac;
using Autofac.Core;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>
/// Creates plugin instances from recipe sections: finds the plugin by the section's <c>name</c>,
/// binds and validates its options record from the other keys, and lets the container construct it
/// with the run's services.
/// </summary>
public sealed class PluginFactory(ILifetimeScope scope, PluginCatalog catalog)
{
    /// <summary>The catalogue this factory creates from.</summary>
    public PluginCatalog Catalog => catalog;

    /// <summary>
    /// Binds and validates the options of the plugin selected by <paramref name="section"/>
    /// (at <paramref name="keyPath"/> in the recipe) without constructing it.
    /// </summary>
    public (PluginDescriptor Descriptor, object? Options) Prepare(PluginKind kind, RecipeMapping section, string keyPath)
    {
        var nameNode = (section.TryGetValue("name", out var node) ? node : null) as RecipeScalar
            ?? throw new RecipeException([new RecipeError(section.Location, keyPath + ".name",
                $"missing the {PluginKinds.DisplayName(kind)} name; known: {string.Join(", ", catalog.Names(kind))}")]);
        var descriptor = catalog.Get(kind, nameNode.Value, $"{nameNode.Location} ({keyPath}.name)");
        var rest = section.Without("name");
        object? options = null;
        if (descriptor.OptionsType is not null)
            options = RecipeBinder.Bind(descriptor.OptionsType, rest, keyPath);
        else if (rest.Count > 0)
            throw new RecipeException(rest.Entries.Select(e => new RecipeError(e.KeyLocation, $"{keyPath}.{e.Key}",
                $"the {descriptor.Key} takes no options")).ToList());
        return (descriptor, options);
    }

    /// <summary>Creates the plugin selected by <paramref name="section"/>; see <see cref="Prepare"/>.</summary>
    public T Create<T>(PluginKind kind, RecipeMapping section, string keyPath, params object[] services) where T : class
    {
        var (descriptor, options) = Prepare(kind, section, keyPath);
        return Create<T>(descriptor, options, services);
    }

    /// <summary>
    /// Constructs <paramref name="descriptor"/>'s type with <paramref name="options"/> and
    /// <paramref name="services"/> as constructor arguments (matched by type).
    /// </summary>
    public T Create<T>(PluginDescriptor descriptor, object? options, params object[] services) where T : class
    {
        var parameters = services.Prepend(options).OfType<object>()
            .Select(s => (Parameter)new TypedParameter(ParameterTypeFor(descriptor.Type, s), s)).ToList();
        try
        {
            return (T)scope.ResolveKeyed<object>(descriptor.Key, parameters);
        }
        catch (DependencyResolutionException e)
        {
            var inner = Innermost(e);
            // The plugin's constructor threw: name it with its own frames, as for any failure of plugin code.
            if (inner is not DependencyResolutionException && PluginFailure.Attribute(inner, catalog, [descriptor], "threw while constructing") is { } named) throw named;
            var what = inner is DependencyResolutionException
                ? $"cannot be constructed: {inner.Message}"
                : $"threw while constructing: {inner.GetType().Name}: {inner.Message}";
            throw new PluginException($"The {descriptor.Key} ({descriptor.Type.FullName} in '{descriptor.AssemblyPath}') {what}", inner);
        }
    }

    /// <summary>The constructor parameter type a service fills (e.g. IBackbone for a ResNet instance).</summary>
    private static Type ParameterTypeFor(Type pluginType, object service)
    {
        var parameterTypes = pluginType.GetConstructors().Single().GetParameters().Select(p => p.ParameterType);
        return parameterTypes.FirstOrDefault(t => t.IsInstanceOfType(service)) ?? service.GetType();
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
