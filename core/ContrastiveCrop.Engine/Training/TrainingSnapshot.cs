using ContrastiveCrop.Contracts;
using static TorchSharp.torch;

namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// Maps the state of a run onto checkpoint tensor names and back: <c>model/…</c> (the method's
/// state_dict: backbone, heads, momentum encoders, queues), <c>optimizer/…</c> (momentum buffers by
/// parameter name) and <c>plugin/&lt;role&gt;/…</c> (every <see cref="IStatefulPlugin"/>, e.g. the
/// crop sampler's boxes).
/// </summary>
public static class TrainingSnapshot
{
    private const string Model = "model/", Optimizer = "optimizer/", Plugin = "plugin/";

    /// <summary>Writes a full checkpoint of the run to <paramref name="path"/>.</summary>
    public static void Save(string path, CheckpointInfo info, ISiameseMethod method, SgdOptimizer optimizer,
                            IReadOnlyDictionary<string, IStatefulPlugin> plugins)
    {
        var owned = new List<Tensor>();
        try
        {
            var tensors = method.Module.state_dict().Select(kv => KeyValuePair.Create(Model + kv.Key, kv.Value))
                .Concat(optimizer.MomentumBuffers.Select(kv => KeyValuePair.Create(Optimizer + kv.Key, kv.Value)))
                .ToList();
            foreach (var (role, plugin) in plugins)
            foreach (var (key, value) in plugin.GetState())
            {
                owned.Add(value);
                tensors.Add(KeyValuePair.Create($"{Plugin}{role}/{key}", value));
            }
            CheckpointFile.Save(path, info, tensors);
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>Loads the model's tensors (copied in place) and the optimiser's buffers from a checkpoint.</summary>
    public static void RestoreTraining(string path, Dictionary<string, Tensor> tensors, nn.Module module, SgdOptimizer? optimizer)
    {
        RestoreModule(path, tensors, module, Model);
        optimizer?.LoadMomentumBuffers(Section(tensors, Optimizer));
    }

    /// <summary>
    /// Copies the tensors under <paramref name="prefix"/> into <paramref name="module"/>'s parameters and
    /// buffers; the names must match exactly (a different architecture or method is an error naming the file).
    /// </summary>
    public static void RestoreModule(string path, Dictionary<string, Tensor> tensors, nn.Module module, string prefix)
    {
        var saved = Section(tensors, prefix);
        var target = module.state_dict();
        var missing = target.Keys.Except(saved.Keys).ToList();
        var extra = saved.Keys.Except(target.Keys).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new CheckpointException(
                $"Checkpoint '{path}' does not fit this model: {missing.Count} tensor(s) missing (e.g. {string.Join(", ", missing.Take(3))}), " +
                $"{extra.Count} unexpected (e.g. {string.Join(", ", extra.Take(3))}). Was it written by another method or backbone?");
        using var noGrad = no_grad();
        foreach (var (name, value) in target)
        {
            if (!value.shape.SequenceEqual(saved[name].shape))
                throw new CheckpointException(
                    $"Checkpoint '{path}': '{prefix}{name}' has shape [{string.Join(", ", saved[name].shape)}], the model expects [{string.Join(", ", value.shape)}].");
            value.copy_(saved[name]);
        }
    }

    /// <summary>Gives every stateful plugin its saved state (plugins without saved state keep theirs).</summary>
    public static void RestorePlugins(Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, IStatefulPlugin> plugins)
    {
        foreach (var (role, plugin) in plugins)
        {
            var state = Section(tensors, $"{Plugin}{role}/");
            if (state.Count > 0) plugin.SetState(state);
        }
    }

    private static Dictionary<string, Tensor> Section(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
