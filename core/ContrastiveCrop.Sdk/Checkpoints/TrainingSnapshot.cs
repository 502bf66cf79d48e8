using ContrastiveCrop.Sdk.Optimization;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Checkpoints;

/// <summary>
/// Maps the state of a training stage onto checkpoint tensor names and back: <c>model/…</c> (the
/// stage module's state_dict: backbone, heads, momentum encoders, queues), <c>optimizer/…</c> (momentum
/// buffers by parameter name) and <c>&lt;section&gt;/…</c> for every other piece of state (a stateful
/// plugin's <c>plugin/&lt;role&gt;/</c>, a hook's <c>hook/&lt;key&gt;/</c>).
/// </summary>
public static class TrainingSnapshot
{
    private const string Model = "model/", Optimizer = "optimizer/";

    /// <summary>Writes a full checkpoint of a stage to <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file (replaced atomically).</param>
    /// <param name="info">Where training is.</param>
    /// <param name="module">The stage's module.</param>
    /// <param name="optimizer">Its optimiser.</param>
    /// <param name="sections">Further state by section prefix (ending in '/'); the tensors are disposed after writing.</param>
    public static void Save(string path, CheckpointInfo info, nn.Module module, SgdOptimizer optimizer,
                            IEnumerable<(string Section, IReadOnlyDictionary<string, Tensor> State)> sections)
    {
        var owned = new List<Tensor>();
        try
        {
            var tensors = module.state_dict().Select(kv => KeyValuePair.Create(Model + kv.Key, kv.Value))
                .Concat(optimizer.MomentumBuffers.Select(kv => KeyValuePair.Create(Optimizer + kv.Key, kv.Value)))
                .ToList();
            foreach (var (section, state) in sections)
            foreach (var (key, value) in state)
            {
                owned.Add(value);
                tensors.Add(KeyValuePair.Create(section + key, value));
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
                    $"Checkpoint '{path}': '{prefix}{name}' has shape [{string.Join(", ", saved[name].shape)}], the model expects [{string.Join(", ", value.shape)}]. " +
                    "It was written by another model: use the recipe it was trained with (a resumed run's recipe.yaml as the run wrote it).");
            value.copy_(saved[name]);
        }
    }

    /// <summary>The tensors under <paramref name="prefix"/>, with the prefix removed (views of the loaded tensors, not copies).</summary>
    public static Dictionary<string, Tensor> Section(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
