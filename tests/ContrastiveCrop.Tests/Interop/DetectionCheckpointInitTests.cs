using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Interop;

/// <summary><c>init: checkpoint</c> of the detection plugin, loaded by discovery as in a real run.</summary>
[TestFixture]
public sealed class DetectionCheckpointInitTests
{
    private static string Recipe(TinyRecipe recipe, string checkpoint) => recipe.Write($$"""
        name: det-init
        seed: 1
        device: cpu
        output_dir: runs
        data: {name: shapes-on-clutter, train_count: 8, test_count: 8, image_size: 16}
        from_checkpoint: random
        pretrain:
          backbone: {name: resnet, depth: 18, width_multiplier: 0.0625}
          method: {name: simclr}
          sampler: {name: random-resized-crop}
        evaluate:
          - name: faster-rcnn-c4
            format: voc
            devkit: det/VOCdevkit
            train_sets: [2007/trainval]
            test_set: 2007/test
            classes: [disc, square, triangle]
            init: checkpoint
            checkpoint: {{checkpoint}}
            depth: 18
            width_multiplier: 0.0625
            min_size_train: [64]
            max_size_train: 64
            min_size_test: 64
            max_size_test: 64
            iterations: 2
            batch_size: 2
            warmup_iters: 1
            steps: [1]
            pre_nms_topk_train: 100
            post_nms_topk_train: 50
            pre_nms_topk_test: 100
            post_nms_topk_test: 50
            roi_batch_size: 16
            log_every: 1
        """);

    private static TinyRecipe WithDetectionSet()
    {
        var recipe = new TinyRecipe();
        var generated = recipe.Invoke("data", "generate", "detection", "--out", "det", "--count", "8", "--size", "64");
        Assert.That(generated.ExitCode, Is.EqualTo(0), generated.Error);
        return recipe;
    }

    [Test]
    public void A_MoCo_checkpoint_initialises_the_detector_through_the_plugin()
    {
        var recipe = WithDetectionSet();

        var outcome = recipe.Invoke("run", Recipe(recipe, InteropFixtures.File("moco-v2-resnet18.pth.tar")));

        Assert.That(outcome.ExitCode, Is.EqualTo(0), outcome.Error);
        var log = File.ReadAllText(Path.Combine(Directory.GetDirectories(recipe.Runs).Single(), "run.log"));
        Assert.That(log, Does.Contain("faster-rcnn-c4-checkpoint: initialised from").And.Contain("tensors under 'state_dict.module.encoder_q.'"));
        // ResNet-18: 20 convolutions (1 tensor each) + 20 batch norms (5 each) = 120, all placed in the trunk and res5 head.
        Assert.That(log, Does.Contain("loaded 120 tensors, missing 0"));
    }

    [Test]
    public void A_checkpoint_of_another_architecture_stops_the_stage_with_exit_2_before_training()
    {
        var recipe = WithDetectionSet();

        var outcome = recipe.Invoke("run", Recipe(recipe, InteropFixtures.File("mobilenet-v3-small.pth")));

        Assert.That(outcome.ExitCode, Is.EqualTo(2), outcome.Error);
        Assert.That(outcome.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), outcome.Error);
        Assert.That(outcome.Error, Does.Contain("checkpoint: '").And.Contain("it is another architecture"));
        Assert.That(outcome.Out, Does.Not.Contain("iterations of"), "no training started");
    }
}
