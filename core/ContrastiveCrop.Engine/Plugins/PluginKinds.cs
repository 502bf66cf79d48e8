using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Hooks;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>Maps plugin kinds to their contract interfaces and to the words users see.</summary>
public static class PluginKinds
{
    private static readonly (PluginKind Kind, Type Contract, string Display)[] Table =
    [
        (PluginKind.CropSampler, typeof(ICropSampler), "crop sampler"),
        (PluginKind.SiameseMethod, typeof(ISiameseMethod), "method"),
        (PluginKind.Backbone, typeof(IBackbone), "backbone"),
        (PluginKind.DownstreamTask, typeof(IDownstreamTask), "downstream task"),
        (PluginKind.DatasetSource, typeof(IDatasetSource), "data set"),
        (PluginKind.Hook, typeof(HookBase), "hook"),
    ];

    /// <summary>The contract interface of <paramref name="kind"/>.</summary>
    public static Type Contract(PluginKind kind) => Table.First(t => t.Kind == kind).Contract;

    /// <summary>The word users see for <paramref name="kind"/>, e.g. "crop sampler".</summary>
    public static string DisplayName(PluginKind kind) => Table.First(t => t.Kind == kind).Display;

    /// <summary>The kinds <paramref name="type"/> implements.</summary>
    public static IEnumerable<PluginKind> Implemented(Type type) =>
        Table.Where(t => t.Contract.IsAssignableFrom(type)).Select(t => t.Kind);
}
