using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Training;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// Recomputes WCL's <see cref="NeighbourTable"/> for KNN multi-crop: after every epoch from <paramref name="warmupEpochs"/>
/// on (not after the last, which has no next epoch), the backbone's pooled features of the
/// un-augmented training images, then each image's K most cosine-similar others. Logs the time and,
/// for labelled data, how often a neighbour shares the image's class.
/// </summary>
/// <param name="table">The table the loader reads.</param>
/// <param name="warmupEpochs">Epochs with ordinary views before the first table is needed (≥ 1).</param>
/// <param name="backbone">The backbone being trained.</param>
/// <param name="data">The un-augmented training images.</param>
/// <param name="pass">The eval-mode feature pass.</param>
/// <remarks>
/// The table is the hook's checkpointed state (<c>hook/neighbours/</c>), so a resumed run draws the same neighbour views.
/// In a data-parallel job every rank takes rank 0's backbone (eval mode uses BatchNorm's running statistics, which
/// drift apart between ranks), extracts the features of its share of the images, the features are all-gathered and
/// the search is split among the ranks likewise (<see cref="ShardedBatches"/>): every rank holds the table one
/// process computes with rank 0's backbone, so every rank's loader draws the same neighbours.
/// </remarks>
public sealed class NeighbourTableHook(NeighbourTable table, int warmupEpochs, IBackbone backbone, IImageDataset data, EvalFeaturePass pass) : HookBase
{
    /// <summary>The metrics stage of neighbour updates in <c>metrics.jsonl</c>.</summary>
    public const string MetricsStage = "neighbour-crop/update";

    /// <inheritdoc />
    public override string StateKey => "neighbours";

    /// <summary>Rows of the similarity matrix per block of the search (and per share of it between ranks).</summary>
    public int SearchBlockRows { get; init; } = NearestNeighbourSearch.DefaultBlockRows;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, Tensor> GetState() => table.GetState();

    /// <inheritdoc />
    public override void SetState(IReadOnlyDictionary<string, Tensor> state) => table.SetState(state);

    /// <inheritdoc />
    public override void AfterEpoch(TrainingState state)
    {
        if (state.Epoch < warmupEpochs || state.Epoch >= state.TotalEpochs) return;
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var group = RunServices.ProcessGroup(state.Run);
        var (features, labels) = group.WorldSize == 1 ? AllFeatures(state.Run) : GatheredFeatures(state.Run, group);
        table.Update(NearestNeighbourSearch.Search(features, table.NeighbourCount, group, SearchBlockRows));
        var values = new Dictionary<string, double> { ["epoch"] = state.Epoch, ["update_seconds"] = clock.Elapsed.TotalSeconds };
        if (labels.All(l => l >= 0)) values["same_class_fraction"] = SameClassFraction(table, labels);
        state.Run.LogMetrics(MetricsStage, state.Step, values);
        state.Run.Log($"Neighbour table after epoch {state.Epoch}: K = {table.NeighbourCount} for {data.Count} images in {values["update_seconds"]:F1} s" +
                      (values.TryGetValue("same_class_fraction", out var same) ? $"; {same:P1} of neighbours share the image's class." : "."));
    }

    // Pooled features of every image, and labels, in image order.
    private (Tensor Features, int[] Labels) AllFeatures(IRunContext run)
    {
        var features = new List<Tensor>();
        var labels = new int[data.Count];
        pass.ForAllImages(data, backbone, run, (indices, maps, _) =>
        {
            features.Add(backbone.Pool(maps).MoveToOuterDisposeScope());
            foreach (int i in indices) labels[i] = data.Get(i).Label;
        });
        return (cat(features, 0), labels);
    }

    // The same, each rank extracting its share of the images with rank 0's backbone, then all-gathered.
    private (Tensor Features, int[] Labels) GatheredFeatures(IRunContext run, IProcessGroup group)
    {
        GradientAveragingHook.BroadcastFromRankZero(group, backbone.Network);
        var shard = pass.Shard(group, data);
        var features = new List<Tensor>();
        var labels = new List<long>();
        pass.ForBatches(data, backbone, run, shard, (indices, maps, _) =>
        {
            features.Add(backbone.Pool(maps).MoveToOuterDisposeScope());
            labels.AddRange(indices.Select(i => (long)data.Get(i).Label));
        });
        var own = features.Count > 0 ? cat(features, 0) : zeros(0, backbone.FeatureDim, device: run.Device);
        var all = shard.Gather(group, own);
        var allLabels = shard.Gather(group, tensor(labels.ToArray())).data<long>().Select(l => (int)l).ToArray();
        return (all, allLabels);
    }

    /// <summary>Fraction of (image, neighbour) pairs whose labels agree: how clean the extra positives are.</summary>
    public static double SameClassFraction(NeighbourTable table, IReadOnlyList<int> labels)
    {
        long same = 0;
        for (int i = 0; i < table.ImageCount; i++)
        for (int r = 0; r < table.NeighbourCount; r++)
            if (labels[table.Neighbour(i, r)] == labels[i]) same++;
        return (double)same / ((long)table.ImageCount * table.NeighbourCount);
    }
}
