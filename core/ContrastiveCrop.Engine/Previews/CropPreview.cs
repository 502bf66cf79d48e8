using ContrastiveCrop.Sdk.Training;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Pretraining;

namespace ContrastiveCrop.Engine.Previews;

/// <summary>One previewed image: its index in the training split, its pixels and the crop of each of the method's views.</summary>
/// <param name="Index">Index of the image in the training split.</param>
/// <param name="Image">The image.</param>
/// <param name="Crops">The crop of view 0, 1, ... as the recipe's sampler answers the loader's request.</param>
public sealed record CropPreviewRow(int Index, RgbImage Image, IReadOnlyList<CropBox> Crops);

/// <summary>
/// The crops a recipe's sampler gives its method's views in a given epoch, without training: the same
/// <see cref="CropRequest"/> (index, view, size, view scale, epoch, pixels) and the same per-view random stream as
/// <see cref="ViewBatchLoader"/>, so a preview shows exactly what that epoch's batches would be cropped from
/// (before flips and colour changes). Works for any sampler, first- or third-party: it only calls
/// <see cref="ICropSampler.Sample"/>.
/// </summary>
/// <remarks>
/// A stateful sampler (e.g. one that learns boxes during training) is previewed in its initial state; a method
/// that picks other images for some views (<c>IViewImageSelector</c>) is previewed with every view on its own image.
/// </remarks>
public static class CropPreview
{
    /// <summary>
    /// The images a preview of <paramref name="rows"/> rows shows from a split of <paramref name="count"/> images:
    /// evenly spaced, <c>i · count / rows</c>, so they span the whole split (all of it when it is smaller).
    /// </summary>
    public static IReadOnlyList<int> Indices(int count, int rows) =>
        Enumerable.Range(0, Math.Min(count, rows)).Select(i => (int)((long)i * count / Math.Min(count, rows))).ToList();

    /// <summary>Samples the crops of <paramref name="rows"/> training images for <paramref name="epoch"/>.</summary>
    /// <exception cref="StageSetupException">The recipe has no pretrain section, so nothing samples crops.</exception>
    public static IReadOnlyList<CropPreviewRow> Sample(RunPlan plan, PluginFactory factory, IRunContext run, int rows, int epoch)
    {
        if (rows < 1) throw new StageSetupException($"--count must be at least 1, got {rows}.");
        if (epoch < 0) throw new StageSetupException($"--epoch must be 0 or more, got {epoch}.");
        if (plan.Pretrain is not var (backboneChoice, methodChoice, samplerChoice))
            throw new StageSetupException(plan.Recipe.FromCheckpoint is null
                ? $"{plan.RecipePath}: the recipe has no pretrain section, so no crop sampler to preview; add pretrain.sampler (and method, backbone)."
                : $"{plan.RecipePath}: the recipe evaluates from_checkpoint instead of pretraining, so no crop sampler to preview; remove from_checkpoint and set pretrain.sampler (and method).");

        var source = factory.Create<IDatasetSource>(plan.Data.Descriptor, plan.Data.Options, run);
        using var train = source.Open("train");
        // The views (how many, and each one's own crop scale) are the method's; building it needs the backbone.
        var backbone = factory.Create<IBackbone>(backboneChoice.Descriptor, backboneChoice.Options, run);
        var method = factory.Create<ISiameseMethod>(methodChoice.Descriptor, methodChoice.Options, backbone, run);
        var views = method.Views.ToList();
        (method as IDisposable)?.Dispose();
        (backbone as IDisposable)?.Dispose();
        var sampler = factory.Create<ICropSampler>(samplerChoice.Descriptor, samplerChoice.Options, run);

        var result = new List<CropPreviewRow>();
        foreach (var index in Indices(train.Count, rows))
        {
            var image = train.Get(index).Image;
            var crops = new List<CropBox>();
            for (int v = 0; v < views.Count; v++)
            {
                var (request, random) = ViewBatchLoader.ViewRequest(plan.Recipe.Seed, epoch, index, index, v, image, views[v].Scale);
                var crop = sampler.Sample(request, random);
                if (crop.Top < 0 || crop.Left < 0 || crop.Height < 1 || crop.Width < 1 ||
                    crop.Top + crop.Height > image.Height || crop.Left + crop.Width > image.Width)
                    throw new PluginException(
                        $"The {samplerChoice.Descriptor.Key} ({samplerChoice.Descriptor.AssemblyPath}) returned {crop} for a {image.Height}×{image.Width} image (index {index}); crops must lie inside the image.");
                crops.Add(crop);
            }
            result.Add(new CropPreviewRow(index, image, crops));
        }
        return result;
    }
}
