using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using ContrastiveCrop.Tests.Engine;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

/// <summary>
/// WCL's multi-crop and KNN multi-crop: the neighbour search, neighbour views in the loader, the
/// multi-crop loss by hand, the options, checkpoint/resume of the neighbour table, and training.
/// </summary>
public class WclMultiCropTests
{
    private static WclOptions Knn(int projectionDim = 32) =>
        new(ProjectionDim: projectionDim) { SmallCrops = 2, SmallImageSize = 8, KnnNeighbours = 2, KnnWarmupEpochs = 1 };

    [SetUp]
    public void Seed() => manual_seed(41);

    [Test]
    public void Neighbour_search_ranks_by_cosine_excludes_self_and_breaks_ties_by_index()
    {
        // f0 = (1, 0), f1 = (1, 1), f2 = (0, 1), f3 = (−5, 0) (length must not matter). Cosines:
        // 0–1 0.707, 0–2 0, 0–3 −1; 1–2 0.707, 1–3 −0.707; 2–3 0.
        // 1 has a tie (0 and 2 at 0.707) and so has 2 (0 and 3 at 0): the lower index comes first.
        using var features = tensor(new float[] { 1, 0, 1, 1, 0, 1, -5, 0 }, [4, 2]);

        var neighbours = NearestNeighbourSearch.Search(features, k: 2);

        Assert.That(neighbours, Is.EqualTo(new[] { 1, 2, /**/ 0, 2, /**/ 1, 0, /**/ 2, 1 }));
    }

    [Test]
    public void Neighbour_search_never_returns_the_image_itself_even_with_an_exact_duplicate()
    {
        // Rows 0 and 2 are the same vector: each is the other's nearest neighbour, never its own.
        using var features = tensor(new float[] { 1, 0, 0, 1, 1, 0 }, [3, 2]);

        var neighbours = NearestNeighbourSearch.Search(features, k: 1);

        Assert.That(neighbours, Is.EqualTo(new[] { 2, 0, 0 }));
        Assert.That(() => NearestNeighbourSearch.Search(features, k: 3), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Neighbour_search_in_blocks_equals_the_whole_matrix()
    {
        using var features = randn(37, 5);
        Assert.That(NearestNeighbourSearch.Search(features, 4, blockRows: 5), Is.EqualTo(NearestNeighbourSearch.Search(features, 4)));
    }

    [Test]
    public void After_the_first_table_the_small_views_are_crops_of_the_neighbours()
    {
        // Image i is the constant grey 20·i; with crop-flip views (no colour change) and a unit
        // normalisation, every pixel of a view equals the grey of the image it was cut from.
        var images = Enumerable.Range(0, 6).Select(i =>
            new LabeledImage(new RgbImage(6, 6, Enumerable.Repeat((byte)(20 * i), 6 * 6 * 3).ToArray()), 0)).ToList();
        var data = new InMemoryDataset("greys", images, ["a"]);
        // WCL answers the loader which image each view is cut from: views 0 and 1 (large) are the image's own, the small ones its neighbours'.
        using var wcl = new Wcl(Knn(3) with { SmallCrops = 2, Pipeline = "crop-flip", SmallCropScale = [0.05, 0.14] }, TinyProblem.Backbone());
        var hooks = wcl.CreateHooks(new HookContext("pretrain", null!, null, data, new EvalFeaturePass(3, 6))).ToList();
        Assert.That(hooks.Single(), Is.InstanceOf<NeighbourTableHook>());
        var table = wcl.Neighbours!;
        var loader = new ViewBatchLoader(data, new RandomResizedCropSampler(new RandomResizedCropOptions()), wcl.Views,
                                         6, 3, 7, new Normalization([0, 0, 0], [1, 1, 1]), wcl);
        float Grey(ViewBatch batch, int view, int row) => batch.Views[view][row * 3 * batch.Sizes[view] * batch.Sizes[view]] * 255;

        var warmUp = loader.Build([0, 4, 5], epoch: 0);
        table.Update(Enumerable.Range(0, 6).SelectMany(i => new[] { (i + 1) % 6, (i + 3) % 6 }).ToArray());
        var knn = loader.Build([0, 4, 5], epoch: 1);

        int[] anchors = [0, 4, 5];
        for (int row = 0; row < 3; row++)
        {
            int i = anchors[row];
            Assert.That(Grey(warmUp, 2, row), Is.EqualTo(20 * i).Within(1e-3), "before the table: the image itself");
            Assert.That(Grey(knn, 0, row), Is.EqualTo(20 * i).Within(1e-3), "large views stay the image's own");
            Assert.That(Grey(knn, 1, row), Is.EqualTo(20 * i).Within(1e-3), "large views stay the image's own");
            Assert.That(Grey(knn, 2, row), Is.EqualTo(20 * ((i + 1) % 6)).Within(1e-3), "first small view: nearest neighbour");
            Assert.That(Grey(knn, 3, row), Is.EqualTo(20 * ((i + 3) % 6)).Within(1e-3), "second small view: second neighbour");
        }
    }

    [Test]
    public void Multi_crop_loss_matches_a_hand_computation()
    {
        // Anchors a1 = (1, 0), a2 = (0, 1); candidates c1 = (1, 0), c2 = (0, 1); T = 1.
        // a1: logits (1, 0), positive c1: −log(e / (e + 1)) = log(1 + e) − 1 = 1.3132617 − 1 = 0.3132617.
        // a2: logits (0, 1), positives c1 and c2: −((0 − 1.3132617) + (1 − 1.3132617)) / 2 = 0.8132617.
        // Mean over anchors: (0.3132617 + 0.8132617) / 2 = 0.5632617.
        using var anchors = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        using var candidates = tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);
        using var positives = tensor(new float[] { 1, 0, 1, 1 }, [2, 2]);

        using var loss = MultiCropLoss.Compute(anchors, candidates, positives, temperature: 1);

        Assert.That(loss.item<float>(), Is.EqualTo(0.5632617).Within(1e-5));
    }

    [Test]
    public void Small_view_positives_are_their_images_large_views_and_the_swapped_weak_labels()
    {
        using var own = MultiCropLoss.OwnImagePositives(2, smallViews: 2, float32, CPU);
        // Rows: small view 1 of images 0, 1, then small view 2; columns: view 1 of images 0, 1, then view 2.
        Assert.That(own.data<float>().ToArray(), Is.EqualTo(new float[] { 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1 }));

        // View 1 groups {0, 1}; view 2 keeps them apart. View-1 candidates take view 2's labels and vice versa.
        using var labels1 = tensor(new float[] { 1, 1, 1, 1 }, [2, 2]);
        using var labels2 = eye(2);
        using var weak = MultiCropLoss.SwappedWeakPositives(labels1, labels2, smallViews: 1);
        Assert.That(weak.data<float>().ToArray(), Is.EqualTo(new float[] { 1, 0, 1, 1, 0, 1, 1, 1 }));
    }

    [Test]
    public void Defaults_keep_two_views_and_no_neighbours()
    {
        using var method = new Wcl(new WclOptions(ProjectionDim: 8), TinyProblem.Backbone());
        Assert.That(method.Views, Has.Count.EqualTo(2));
        Assert.That(method.Views.All(v => v.Scale is null));
        Assert.That(method.CreateHooks(new HookContext("pretrain", null!, null, null, new EvalFeaturePass(2, 8))), Is.Empty, "no neighbour table without knn_neighbours");
    }

    [Test]
    public void KNN_multi_crop_declares_small_neighbour_views_with_their_own_scale()
    {
        using var method = new Wcl(Knn(8) with { SmallCrops = 3 }, TinyProblem.Backbone());
        Assert.That(method.Views, Has.Count.EqualTo(5));
        Assert.That(method.Views.Skip(2).All(v => v.Size == 8 && v.Scale == new CropScale(0.05, 0.14)));
        Assert.That(method.Views.Take(2).All(v => v.Size is null && v.Scale is null));
        var images = Enumerable.Range(0, 4).Select(i => new LabeledImage(new RgbImage(4, 4, new byte[48]), 0)).ToList();
        using var data = new InMemoryDataset("four", images, ["a"]);
        method.CreateHooks(new HookContext("pretrain", null!, null, data, new EvalFeaturePass(2, 8))).ToList();
        Assert.That((method.Neighbours!.ImageCount, method.Neighbours.NeighbourCount), Is.EqualTo((4, 2)));
    }

    [Test]
    public void Invalid_multi_crop_options_name_their_keys()
    {
        IValidatableOptions noSmallViews = new WclOptions { KnnNeighbours = 4 };
        IValidatableOptions badScale = new WclOptions { SmallCrops = 2, SmallCropScale = [0.2, 0.1] };
        IValidatableOptions noWarmup = Knn() with { KnnWarmupEpochs = 0 };

        Assert.That(noSmallViews.Validate().Select(e => e.Key), Is.EqualTo(new[] { "knn_neighbours" }));
        Assert.That(noSmallViews.Validate().Single().Message, Does.Contain("small_crops"));
        Assert.That(badScale.Validate().Select(e => e.Key), Is.EqualTo(new[] { "small_crop_scale" }));
        Assert.That(noWarmup.Validate().Select(e => e.Key), Is.EqualTo(new[] { "knn_warmup_epochs" }));
        Assert.That(new WclOptions().Validate(), Is.Empty);
    }

    [Test]
    public void Small_crops_ask_the_sampler_for_their_own_area_range()
    {
        var sampler = new RandomResizedCropSampler(new RandomResizedCropOptions());
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            var crop = sampler.Sample(new CropRequest(0, 2, 100, 100) { Scale = new CropScale(0.05, 0.14) }, random);
            // Target area 500–1400 px; rounding each side to whole pixels moves it by < (h + w) / 2 + 1 ≤ 45.
            Assert.That(crop.Height * crop.Width, Is.InRange(455, 1445));
        }
    }

    [Test]
    public void Neighbour_table_round_trips_through_its_state()
    {
        var table = new NeighbourTable(3, 2);
        Assert.That(table.GetState(), Is.Empty, "nothing to save before the first update");
        table.Update([1, 2, 2, 0, 0, 1]);
        var restored = new NeighbourTable(3, 2);

        var state = table.GetState();
        restored.SetState(state);
        foreach (var t in state.Values) t.Dispose();

        Assert.That(Enumerable.Range(0, 6).Select(e => restored.Neighbour(e / 2, e % 2)), Is.EqualTo(new[] { 1, 2, 2, 0, 0, 1 }));
        using var wrongSize = tensor(new long[] { 1, 0 }, [2, 1]);
        Assert.That(() => new NeighbourTable(3, 2).SetState(new Dictionary<string, Tensor> { ["indices"] = wrongSize }),
            Throws.TypeOf<CheckpointException>().With.Message.Contains("K = 2"));
    }

    [Test]
    public void A_run_resumed_after_a_neighbour_update_has_the_same_table_and_losses()
    {
        // 3 epochs, warm-up 1: tables after epochs 1 and 2; the interrupted run stops after epoch 2's.
        ISiameseMethod Create(IBackbone backbone) => new Wcl(Knn(projectionDim: 8), backbone);
        var uninterruptedRun = ResumeTests.NewRun();
        var uninterrupted = ResumeTests.Train(1, cancelAfterEpoch: null, resumeFrom: null, uninterruptedRun, createMethod: Create);
        var interrupted = ResumeTests.NewRun();
        Assert.That(() => ResumeTests.Train(1, cancelAfterEpoch: 2, resumeFrom: null, interrupted, createMethod: Create),
            Throws.InstanceOf<OperationCanceledException>());
        string Checkpoint(global::ContrastiveCrop.Engine.Runs.RunContext run) => Path.Combine(run.Directory.CheckpointDirectory, PretrainingEngine.LastCheckpoint);
        var resumedRun = ResumeTests.NewRun();
        var resumed = ResumeTests.Train(seedForInit: 99, cancelAfterEpoch: null, resumeFrom: Checkpoint(interrupted), resumedRun, createMethod: Create);

        int perEpoch = 48 / ResumeTests.Options.BatchSize;
        Assert.That(resumed.Losses, Is.EqualTo(uninterrupted.Losses.Skip(2 * perEpoch).ToList()).Within(1e-5));
        // No update after the last epoch, so both final checkpoints hold the table computed after epoch 2.
        var (_, final) = CheckpointFile.Load(Checkpoint(uninterruptedRun));
        var (_, resumedFinal) = CheckpointFile.Load(Checkpoint(resumedRun));
        var table = final["hook/neighbours/indices"];
        Assert.That(table.shape, Is.EqualTo(new long[] { 48, 2 }));
        Assert.That(resumedFinal["hook/neighbours/indices"].data<long>().ToArray(), Is.EqualTo(table.data<long>().ToArray()));
        foreach (var t in final.Values.Concat(resumedFinal.Values)) t.Dispose();
    }

    [Test]
    public void Steps_with_small_views_lower_the_loss()
    {
        // Which image a small view was cut from is the loader's business; the loss sees the same tensors either way.
        using var method = new Wcl(Knn(), TinyProblem.Backbone());
        // Small views: each image's first view at half resolution, with more noise.
        var (before, after) = TrainingTests.Train(method, views: two =>
        {
            var small = nn.functional.interpolate(two[0], size: [8, 8], mode: InterpolationMode.Bilinear, align_corners: false);
            return [two[0], two[1], small + 0.2 * randn_like(small), small + 0.2 * randn_like(small)];
        });
        Assert.That(after, Is.LessThan(before * 0.9), $"loss {before} → {after}");
    }
}
