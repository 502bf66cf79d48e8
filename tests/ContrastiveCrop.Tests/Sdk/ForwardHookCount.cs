using System.Collections;
using System.Reflection;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Sdk;

/// <summary>
/// How many forward hooks a module holds, read from TorchSharp's hook dictionaries (the protected fields
/// <c>pre_hooks</c>, <c>post_hooks</c>, <c>module_pre_hooks</c> and <c>module_post_hooks</c> of <c>HookableModule</c>).
/// </summary>
internal static class ForwardHookCount
{
    private static readonly string[] Fields = ["pre_hooks", "post_hooks", "module_pre_hooks", "module_post_hooks"];

    /// <summary>Hooks on <paramref name="module"/> itself; 0 for a module type that cannot hold any.</summary>
    public static int Of(nn.Module module)
    {
        int count = 0;
        for (var type = module.GetType(); type is not null; type = type.BaseType)
            foreach (var name in Fields)
                if (type.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)?.GetValue(module) is ICollection hooks)
                    count += hooks.Count;
        return count;
    }

    /// <summary>Hooks on <paramref name="model"/> and all its submodules.</summary>
    public static int InTree(nn.Module model) => Of(model) + model.modules().Sum(Of);
}
