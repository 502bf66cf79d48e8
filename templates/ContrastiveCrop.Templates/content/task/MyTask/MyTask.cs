using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Evaluation;
using static TorchSharp.torch;

namespace MyTask;

/// <summary>
/// A downstream task on the frozen backbone: nearest class mean. Every image's pooled feature is L2-normalised; each
/// class is represented by the mean feature of its training images, and a test image gets the class whose mean is
/// most cosine-similar. Reports <c>top1</c> in percent. Replace <see cref="Run"/> with your evaluation or transfer.
/// </summary>
/// <remarks>
/// Runs after pretraining (recipe <c>evaluate:</c>) or on any checkpoint (<c>ccrop eval checkpoint</c>). Features come
/// from the SDK's eval-mode pass: the backbone in eval mode, no gradients, images normalised as the run says. This task
/// writes no files; one that does (checkpoints, predictions, curves) names them with <c>context.StageName("my-task")</c>,
/// so a second my-task stage in the recipe, or its run on the untrained baseline, keeps its own.
/// </remarks>
[Plugin("my-task", Description = "Nearest-class-mean classification on frozen, L2-normalised features (top1 %).")]
public sealed class MyTask(MyTaskOptions options) : IDownstreamTask
{
    /// <inheritdoc />
    public DownstreamResult Run(DownstreamContext context)
    {
        var data = context.Data ?? throw new DatasetException("my-task needs the recipe's data set (a `data:` section).");
        using var train = data.Open(options.TrainSplit);
        using var test = data.Open(options.TestSplit);
        if (train.Classes.Count == 0) throw new DatasetException($"my-task needs labels, but {train.Name} has none.");
        var pass = new EvalFeaturePass(options.BatchSize, options.ImageSize);

        using var scope = NewDisposeScope();
        var sums = zeros(train.Classes.Count, context.Backbone.FeatureDim, device: context.Run.Device);
        pass.ForAllImages(train, context.Backbone, context.Run, (indices, maps, _) =>
        {
            var features = nn.functional.normalize(context.Backbone.Pool(maps), dim: 1);
            var labels = tensor(indices.Select(i => (long)train.Get(i).Label).ToArray(), device: context.Run.Device);
            sums.index_add_(0, labels, features, 1.0);
        });
        var means = nn.functional.normalize(sums, dim: 1);

        long correct = 0;
        pass.ForAllImages(test, context.Backbone, context.Run, (indices, maps, _) =>
        {
            var features = nn.functional.normalize(context.Backbone.Pool(maps), dim: 1);
            var predicted = features.matmul(means.t()).argmax(1).cpu().data<long>().ToArray();
            correct += indices.Where((index, k) => test.Get(index).Label == predicted[k]).Count();
        });
        double top1 = 100.0 * correct / Math.Max(1, test.Count);
        context.Run.Log($"my-task: nearest class mean top-1 {top1:F2}% on {test.Name}");
        return new DownstreamResult(new Dictionary<string, double> { ["top1"] = top1 });
    }
}

/// <summary>
/// Options of <see cref="MyTask"/>, bound from its entry under <c>evaluate:</c> (snake_case keys → PascalCase init
/// properties, validated before the run starts; errors carry the recipe's file:line:column).
/// </summary>
public sealed record MyTaskOptions : IValidatableOptions
{
    /// <summary>The split the class means come from.</summary>
    public string TrainSplit { get; init; } = "train";

    /// <summary>The split that is classified.</summary>
    public string TestSplit { get; init; } = "test";

    /// <summary>Images per forward pass.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Side length images are resized to when a data set's images differ in size.</summary>
    public int ImageSize { get; init; } = 32;

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (BatchSize < 1) yield return new OptionError("batch_size", $"must be at least 1; got {BatchSize}");
        if (ImageSize < 1) yield return new OptionError("image_size", $"must be at least 1; got {ImageSize}");
        if (string.IsNullOrWhiteSpace(TrainSplit)) yield return new OptionError("train_split", "must name a split");
        if (string.IsNullOrWhiteSpace(TestSplit)) yield return new OptionError("test_split", "must name a split");
    }
}
