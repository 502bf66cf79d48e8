using ContrastiveCrop.Models;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Detection.Modeling;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.DetectionModels;

[TestFixture]
public sealed class RcnnC4Tests
{
    [Test]
    public void The_C4_trunk_has_stride_16_and_16_times_the_stem_width_and_res5_doubles_it()
    {
        using var scope = NewDisposeScope();
        // ResNet-50 at width 1/16: stem 4 channels; layer3 planes 16 × expansion 4 = 64 (1024 at width 1); layer4 128 (2048).
        var trunk = new C4Trunk(ResNetLayout.Of(50), 4);
        var res4 = trunk.call(zeros(1, 3, 64, 96));
        Assert.That(res4.shape, Is.EqualTo(new long[] { 1, 64, 4, 6 }));
        var res5 = new Res5Head(ResNetLayout.Of(50), 64, 4);
        Assert.That(res5.call(zeros(3, 64, 14, 14)).shape, Is.EqualTo(new long[] { 3, 128, 7, 7 }));
    }

    [Test]
    public void Every_torchvision_ResNet50_tensor_maps_one_to_one_onto_the_detector()
    {
        using var scope = NewDisposeScope();
        // Full width: the names and shapes of torchvision's resnet50 (minus fc) against the paper's detector.
        var resnet = ResNet.ResNet50();
        var detector = new RcnnC4(new RcnnArchitecture(50, 1.0, 20, Masks: false));
        var source = resnet.state_dict();
        var report = BackboneWeights.Load(detector, source, "test ResNet-50");
        Assert.That(report.Unexpected, Is.Empty);
        Assert.That(report.Missing, Is.Empty);
        Assert.That(report.Loaded, Has.Count.EqualTo(source.Count));
        var target = detector.state_dict();
        Assert.That(target["backbone.layer3.5.conv3.weight"].shape, Is.EqualTo(new long[] { 1024, 256, 1, 1 }));
        Assert.That(target["roi_heads.res5.layer4.2.conv2.weight"].eq(source["layer4.2.conv2.weight"]).all().item<bool>(), Is.True);
        Assert.That(target["backbone.conv1.weight"].eq(source["conv1.weight"]).all().item<bool>(), Is.True);
        // Detection-only tensors: the extra norm after res5, RPN, predictors (2048 → 21 and 80).
        Assert.That(report.New, Does.Contain("roi_heads.res5.norm.weight").And.Contain("proposal_generator.rpn_head.conv.weight"));
        Assert.That(target["roi_heads.box_predictor.cls_score.weight"].shape, Is.EqualTo(new long[] { 21, 2048 }));
        Assert.That(target["roi_heads.box_predictor.bbox_pred.weight"].shape, Is.EqualTo(new long[] { 80, 2048 }));
        Assert.That(target["proposal_generator.rpn_head.objectness_logits.weight"].shape, Is.EqualTo(new long[] { 15, 1024, 1, 1 }));
    }

    [Test]
    public void A_backbone_of_another_width_is_refused_naming_the_tensor_and_the_fix()
    {
        using var scope = NewDisposeScope();
        var resnet = ResNet.ResNet50(widthMultiplier: 1.0 / 8);
        var detector = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
        var error = Assert.Throws<DetectionSetupException>(() => BackboneWeights.Load(detector, resnet.state_dict(), "run X"));
        Assert.That(error!.Message, Does.Contain("conv1.weight").And.Contain("width_multiplier").And.Contain("run X"));
    }

    [Test]
    public void A_ResNet18_backbone_is_refused_by_a_ResNet50_detector()
    {
        using var scope = NewDisposeScope();
        var resnet = ResNet.ResNet18(widthMultiplier: 1.0 / 16);
        var detector = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: false));
        Assert.Throws<DetectionSetupException>(() => BackboneWeights.Load(detector, resnet.state_dict(), "resnet18"));
    }

    [Test]
    public void Fresh_heads_follow_detectron2_initialisation()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var detector = new RcnnC4(new RcnnArchitecture(50, 1.0 / 4, 20, Masks: true));
        var s = detector.state_dict();
        // Normal(0, σ) weights: sample std close to σ (thousands of samples), zero biases.
        Assert.That(s["proposal_generator.rpn_head.conv.weight"].std().item<float>(), Is.EqualTo(0.01).Within(0.001));
        Assert.That(s["roi_heads.box_predictor.cls_score.weight"].std().item<float>(), Is.EqualTo(0.01).Within(0.001));
        Assert.That(s["roi_heads.box_predictor.bbox_pred.weight"].std().item<float>(), Is.EqualTo(0.001).Within(0.0001));
        Assert.That(s["roi_heads.box_predictor.bbox_pred.bias"].abs().sum().item<float>(), Is.EqualTo(0));
        Assert.That(s["roi_heads.mask_head.predictor.weight"].shape, Is.EqualTo(new long[] { 20, 256, 1, 1 }));
        Assert.That(s["roi_heads.mask_head.deconv.weight"].shape, Is.EqualTo(new long[] { 512, 256, 2, 2 }));
    }

    [Test]
    public void Losses_are_finite_and_decrease_over_a_few_steps_on_a_two_image_toy_problem()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var model = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: true));
        model.train();
        var (images, targets) = ToyDetectionBatch.Create();
        var optimizer = optim.SGD(model.parameters(), 0.02, momentum: 0.9);
        var generator = new Generator(seed: 0);
        var totals = new List<double>();
        Dictionary<string, double>? first = null;
        for (int step = 0; step < 20; step++)
        {
            using var stepScope = NewDisposeScope();
            var losses = model.Losses(images, targets, generator);
            if (first is null) first = losses.ToDictionary(kv => kv.Key, kv => (double)kv.Value.item<float>());
            var total = losses.Values.Aggregate((a, b) => a + b);
            optimizer.zero_grad();
            total.backward();
            optimizer.step();
            totals.Add(total.item<float>());
        }
        Assert.That(first!.Keys, Is.EquivalentTo(new[] { "loss_rpn_cls", "loss_rpn_loc", "loss_cls", "loss_box_reg", "loss_mask" }));
        Assert.That(first.Values.All(double.IsFinite), Is.True);
        // A fresh classifier predicts ~uniform over K + 1 = 3 classes: CE ≈ ln 3; fresh mask logits ≈ 0: BCE ≈ ln 2.
        Assert.That(first["loss_cls"], Is.EqualTo(Math.Log(3)).Within(0.05));
        Assert.That(first["loss_mask"], Is.EqualTo(Math.Log(2)).Within(0.05));
        Assert.That(totals.All(double.IsFinite), Is.True);
        Assert.That(totals.TakeLast(3).Average(), Is.LessThan(0.75 * totals.Take(3).Average()), string.Join(", ", totals));
    }

    [Test]
    public void Inference_returns_at_most_100_scored_boxes_per_image_inside_it_with_classes_and_masks()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var model = new RcnnC4(ToyDetectionBatch.TinyArchitecture(masks: true) with
        {
            RoiHeads = new RoiHeadSettings { ScoreThreshold = 0.0 },   // a fresh model's scores are ~1/3: keep them
        });
        model.eval();
        var (images, _) = ToyDetectionBatch.Create();
        var detections = model.Infer(images);
        Assert.That(detections, Has.Count.EqualTo(2));
        foreach (var d in detections)
        {
            long n = d.Boxes.shape[0];
            Assert.That(n, Is.GreaterThan(0).And.LessThanOrEqualTo(100));
            Assert.That(d.Boxes.shape, Is.EqualTo(new long[] { n, 4 }));
            Assert.That(d.Scores.shape, Is.EqualTo(new long[] { n }));
            Assert.That(d.Classes.dtype, Is.EqualTo(ScalarType.Int64));
            Assert.That(d.Classes.min().item<long>(), Is.GreaterThanOrEqualTo(0));
            Assert.That(d.Classes.max().item<long>(), Is.LessThan(2));
            Assert.That(d.Boxes.min().item<float>(), Is.GreaterThanOrEqualTo(0));
            Assert.That(d.Boxes.max().item<float>(), Is.LessThanOrEqualTo(64));
            var scores = d.Scores.data<float>().ToArray();
            Assert.That(scores, Is.Ordered.Descending);
            Assert.That(d.Masks!.shape, Is.EqualTo(new long[] { n, 14, 14 }));
            Assert.That(d.Masks.min().item<float>(), Is.GreaterThanOrEqualTo(0));
            Assert.That(d.Masks.max().item<float>(), Is.LessThanOrEqualTo(1));
        }
    }

    [Test]
    public void Empty_roi_box_and_mask_lists_give_empty_outputs()
    {
        using var scope = NewDisposeScope();
        // An image can end with no proposal or no detection; both ops must return empty results, not throw.
        var pooled = new ContrastiveCrop.Detection.Boxes.RoiAlign(14, 14, 1.0 / 16).Forward(zeros(1, 8, 4, 4), zeros(0, 5));
        Assert.That(pooled.shape, Is.EqualTo(new long[] { 0, 8, 14, 14 }));
        var pasted = ContrastiveCrop.Detection.Masks.MaskPaster.Paste(zeros(0, 14, 14), zeros(0, 4), 20, 30);
        Assert.That(pasted.shape, Is.EqualTo(new long[] { 0, 20, 30 }));
        Assert.That(ContrastiveCrop.Detection.Boxes.Nms.Batched(zeros(0, 4), zeros(0), zeros(0, ScalarType.Int64), 0.5).shape, Is.EqualTo(new long[] { 0 }));
        Assert.That(ContrastiveCrop.Detection.Boxes.Nms.Apply(zeros(0, 4), zeros(0), 0.7).shape, Is.EqualTo(new long[] { 0 }));
    }
}
