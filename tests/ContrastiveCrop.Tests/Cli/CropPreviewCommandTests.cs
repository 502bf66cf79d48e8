using Autofac;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Imaging;
using NUnit.Framework;
using SkiaSharp;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// <c>ccrop crops preview</c>: for any sampler, the sheet's outlines are the crops the sampler itself answers for the
/// training loader's request and seed (seed, epoch, image, view), with the image's pixels.
/// </summary>
[TestFixture]
public sealed class CropPreviewCommandTests
{
    private static readonly SKColor[] Colours = [new(255, 220, 0), new(0, 200, 255)];

    [TestCase("name: random-resized-crop, scale: [0.2, 0.6]")]
    [TestCase("name: edge-centred, sharpness: 2")]
    public void The_sheet_outlines_exactly_the_crops_the_sampler_gives_the_loaders_requests(string samplerSection)
    {
        var recipe = new TinyRecipe();
        TestFolders.Copy(TestFolders.EdgeSamplePlugin, Path.Combine(recipe.Folder, "my-plugins", "EdgeCentred"));
        var path = recipe.Write(TinyRecipe.Text(samplerSection, "plugin_folders: [my-plugins]"));
        var sheetPath = Path.Combine(recipe.Folder, "sheet.png");

        var outcome = recipe.Invoke("crops", "preview", path, "--count", "5", "--epoch", "2", "--out", sheetPath);

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        using var sheet = SKBitmap.Decode(sheetPath);
        Assert.That(sheet, Is.Not.Null, "the PNG decodes");
        // The truth, made without the preview: the plugins straight from discovery, the sampler called directly
        // with the seed the loader uses for (run seed 3, epoch 2, image, view) and the image's pixels.
        using var container = Container(Path.Combine(recipe.Folder, "my-plugins"));
        var factory = container.Resolve<PluginFactory>();
        var resolved = RecipeLoader.Load(path, []);
        var pretrain = (RecipeMapping)resolved.GetEntry("pretrain")!.Value;
        var sampler = factory.Create<ICropSampler>(PluginKind.CropSampler, (RecipeMapping)pretrain.GetEntry("sampler")!.Value, "pretrain.sampler");
        var source = factory.Create<IDatasetSource>(PluginKind.DatasetSource, (RecipeMapping)resolved.GetEntry("data")!.Value, "data");
        using var train = source.Open("train");
        // 5 rows evenly spaced over 48 images: ⌊i·48/5⌋.
        int[] indices = [0, 9, 19, 28, 38];
        const int scale = 8; // 16-pixel images enlarged to 128
        Assert.That(CropPreviewSheet.Scale(16, 16), Is.EqualTo(scale));
        Assert.That(sheet.Height, Is.EqualTo(CropPreviewSheet.Header + indices.Length * (16 * scale + CropPreviewSheet.Gap)), "five rows");
        for (int row = 0; row < indices.Length; row++)
        {
            var image = train.Get(indices[row]).Image;
            var crops = Enumerable.Range(0, 2).Select(view => sampler.Sample(
                new CropRequest(indices[row], view, 16, 16) { Epoch = 2, Pixels = image.Pixels },
                new Random(DeterministicSeed.Combine(3, 2, indices[row], view)))).ToArray();
            var origin = CropPreviewSheet.ImageOrigin(row, 16 * scale);
            var boxes = crops.Select(c => new SKRectI(origin.X + c.Left * scale, origin.Y + c.Top * scale,
                origin.X + (c.Left + c.Width) * scale, origin.Y + (c.Top + c.Height) * scale)).ToArray();
            // View 2 is drawn last: its whole outline is its colour. View 1's outline is its colour wherever view 2's
            // 2-pixel band does not cover it.
            foreach (var (x, y) in Perimeter(boxes[1]))
                Assert.That(sheet.GetPixel(x, y), Is.EqualTo(Colours[1]), $"row {row} view 2 {crops[1]} at ({x}, {y})");
            foreach (var (x, y) in Perimeter(boxes[0]))
            {
                var expected = InBand(boxes[1], x, y) ? Colours[1] : Colours[0];
                Assert.That(sheet.GetPixel(x, y), Is.EqualTo(expected), $"row {row} view 1 {crops[0]} at ({x}, {y})");
            }
        }
    }

    [Test]
    public void A_recipe_without_pretraining_has_no_sampler_to_preview_and_says_so()
    {
        var recipe = new TinyRecipe();
        var path = recipe.Write("""
            name: eval-only
            data: {name: shapes-on-clutter, train_count: 8, test_count: 8, image_size: 16}
            from_checkpoint: random
            pretrain: {backbone: {name: resnet, depth: 18, width_multiplier: 0.0625, small_data_stem: true}, method: {name: simclr}, sampler: {name: random-resized-crop}}
            evaluate: [{name: knn, k: 5}]
            """);

        var outcome = recipe.Invoke("crops", "preview", path);

        Assert.That(outcome.ExitCode, Is.EqualTo(2));
        Assert.That(outcome.Error, Does.Contain("evaluates from_checkpoint instead of pretraining").And.Contain("pretrain.sampler"));
    }

    private static IContainer Container(string extraPlugins)
    {
        var catalog = PluginDiscovery.Discover([TestFolders.Plugins, extraPlugins]);
        var builder = new ContainerBuilder();
        builder.RegisterModule(new PluginModule(catalog));
        return builder.Build();
    }

    /// <summary>The outermost ring of pixels of [x0, x1) × [y0, y1).</summary>
    private static IEnumerable<(int X, int Y)> Perimeter(SKRectI box)
    {
        for (int x = box.Left; x < box.Right; x++) { yield return (x, box.Top); yield return (x, box.Bottom - 1); }
        for (int y = box.Top; y < box.Bottom; y++) { yield return (box.Left, y); yield return (box.Right - 1, y); }
    }

    private static bool InBand(SKRectI box, int x, int y) =>
        x >= box.Left && x < box.Right && y >= box.Top && y < box.Bottom &&
        (x < box.Left + 2 || x >= box.Right - 2 || y < box.Top + 2 || y >= box.Bottom - 2);
}
