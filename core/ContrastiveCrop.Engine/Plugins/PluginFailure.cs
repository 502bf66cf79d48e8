using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Diagnostics;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Training;

namespace ContrastiveCrop.Engine.Plugins;

/// <summary>
/// Names the plugin whose code threw: the exception's own stack says which assembly was running when it was
/// thrown, and the catalogue says which plugin that assembly is. A user then reads "the crop sampler 'x' in
/// x.dll failed at X.Sample" instead of an AggregateException from the loader's threads.
/// </summary>
public static class PluginFailure
{
    /// <summary>How many of the plugin's own stack frames a message shows.</summary>
    public const int FramesShown = 4;

    /// <summary>
    /// A <see cref="PluginException"/> naming the plugin, its kind and assembly, the error and the plugin's top
    /// frames, when the innermost frames that are plugin code belong to a catalogued plugin assembly; null when no
    /// plugin code is on the throwing stack (an engine or host error) or when the error is already one the user can
    /// act on (recipe, data set, checkpoint, divergence, cancellation).
    /// </summary>
    /// <param name="error">What was thrown (wrappers such as AggregateException are looked through).</param>
    /// <param name="catalog">The plugins known, with their assemblies.</param>
    /// <param name="preferred">The plugins the run uses: when one assembly holds several plugins, these are meant.</param>
    /// <param name="what">What the plugin did, e.g. "threw while constructing"; "failed" by default.</param>
    public static PluginException? Attribute(Exception error, PluginCatalog catalog, IEnumerable<PluginDescriptor>? preferred = null, string what = "failed")
    {
        var cause = Unwrap(error);
        // Errors a plugin reports on purpose (bad data, a setup the user can fix, divergence) keep their own message.
        if (cause is PluginException or RecipeException or DatasetException or CheckpointException or TrainingDivergedException
            or StageSetupException or OperationCanceledException) return null;
        var byAssembly = catalog.All.GroupBy(d => d.AssemblyPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        // The innermost exception first: it was thrown where the fault is; wrappers were thrown by whoever caught it.
        for (var e = cause; e is not null; e = e.InnerException)
        {
            var frames = new StackTrace(e, fNeedFileInfo: true).GetFrames();
            var first = frames.FirstOrDefault(f => AssemblyOf(f) is { } path && byAssembly.ContainsKey(path));
            if (first is null) continue;
            var path = AssemblyOf(first)!;
            var descriptor = Owner(first.GetMethod()?.DeclaringType, byAssembly[path], preferred);
            var own = frames.Where(f => AssemblyOf(f) == path).Take(FramesShown).Select(Describe);
            var who = descriptor is not null
                ? $"The {descriptor.Key} ({descriptor.Type.FullName} in '{path}')"
                : $"Plugin code in '{path}' ({string.Join(", ", byAssembly[path].Select(d => d.Key.ToString()))})";
            return new PluginException(
                $"{who} {what}: {e.GetType().Name}: {NativeErrorText.Message(e)}{Environment.NewLine}" +
                string.Join(Environment.NewLine, own.Select(f => "   at " + f)) + Environment.NewLine +
                "This is an error in the plugin's code: report it to the plugin's author with these lines (or fix the plugin).", e);
        }
        return null;
    }

    /// <summary>The exception inside wrappers that only say "it happened on another thread / through reflection".</summary>
    public static Exception Unwrap(Exception error)
    {
        while (true)
        {
            switch (error)
            {
                case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                    error = aggregate.Flatten().InnerExceptions[0];
                    continue;
                case TargetInvocationException { InnerException: { } inner }:
                    error = inner;
                    continue;
                case ChannelClosedException { InnerException: { } inner }:
                    error = inner;
                    continue;
                default:
                    return error;
            }
        }
    }

    /// <summary>The plugin type that the throwing method belongs to (through nested and compiler-generated types).</summary>
    private static PluginDescriptor? Owner(Type? type, List<PluginDescriptor> inAssembly, IEnumerable<PluginDescriptor>? preferred)
    {
        for (var t = type; t is not null; t = t.DeclaringType)
            if (inAssembly.FirstOrDefault(d => d.Type == t) is { } exact) return exact;
        var used = preferred?.Where(inAssembly.Contains).Distinct().ToList() ?? [];
        if (used.Count == 1) return used[0];
        return inAssembly.Count == 1 ? inAssembly[0] : null;
    }

    private static string? AssemblyOf(StackFrame frame)
    {
        var assembly = frame.GetMethod()?.DeclaringType?.Assembly;
        return assembly is null || assembly.IsDynamic || string.IsNullOrEmpty(assembly.Location) ? null : Path.GetFullPath(assembly.Location);
    }

    private static string Describe(StackFrame frame)
    {
        var method = frame.GetMethod()!;
        var where = frame.GetFileName() is { } file ? $" in {file}:line {frame.GetFileLineNumber()}" : "";
        return $"{method.DeclaringType?.FullName}.{method.Name}{where}";
    }
}
