using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Detection.Formats;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;

namespace ContrastiveCrop.Plugins.Detection;

/// <summary>
/// Options of the <c>faster-rcnn-c4</c> and <c>mask-rcnn-c4</c> tasks. Defaults are the MoCo
/// protocol for VOC (detectron2 R50-C4, BN trained everywhere, 24k iterations at batch 16, lr 0.02,
/// steps 18k/22k, warm-up 100, shorter side 480–800 step 32, test 800, max 1333).
/// </summary>
public sealed record RcnnOptions : IValidatableOptions, IInputChecks, IBackboneChecks
{
    /// <summary>
    /// <c>voc</c> (VOCdevkit), <c>coco</c> (instances JSON + image folder) or <c>generated</c> (shapes on
    /// clutter written into the run folder from the <c>generated_*</c> options, so a recipe needs no data step).
    /// </summary>
    public string Format { get; init; } = "voc";
    /// <summary>VOC: the folder holding VOC2007/ (and VOC2012/); relative paths are relative to the working directory.</summary>
    public string Devkit { get; init; } = "";
    /// <summary>VOC training image sets, <c>year/split</c>.</summary>
    public IReadOnlyList<string> TrainSets { get; init; } = ["2007/trainval", "2012/trainval"];
    /// <summary>VOC test image set, <c>year/split</c> (2007 uses the 11-point AP).</summary>
    public string TestSet { get; init; } = "2007/test";
    /// <summary>VOC class names; empty means the 20 standard classes.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>COCO training instances file.</summary>
    public string TrainJson { get; init; } = "";
    /// <summary>COCO training image folder.</summary>
    public string TrainImages { get; init; } = "";
    /// <summary>COCO test instances file.</summary>
    public string TestJson { get; init; } = "";
    /// <summary>COCO test image folder.</summary>
    public string TestImages { get; init; } = "";

    /// <summary>Generated set: trainval images.</summary>
    public int GeneratedTrainCount { get; init; } = 300;
    /// <summary>Generated set: test images.</summary>
    public int GeneratedTestCount { get; init; } = 60;
    /// <summary>Generated set: side of the square images.</summary>
    public int GeneratedSize { get; init; } = 96;
    /// <summary>Generated set: object classes (the first shapes of disc, square, triangle, …).</summary>
    public int GeneratedClasses { get; init; } = 3;
    /// <summary>Generated set: strength of the textured background, 0 (flat grey with noise) to 1 (full clutter).</summary>
    public double GeneratedClutter { get; init; } = 1;
    /// <summary>Generated set: saturation of the objects' tints, 0 (grey) to 1 (a random saturated colour).</summary>
    public double GeneratedSaturation { get; init; } = 1;
    /// <summary>Generated set: seed (same seed, same bytes).</summary>
    public int GeneratedSeed { get; init; }

    /// <summary>
    /// <c>backbone</c> (the run's pretrained backbone), <c>random</c> (He initialisation; the baseline) or
    /// <c>checkpoint</c> (the ResNet in <see cref="Checkpoint"/>, e.g. torchvision's ImageNet resnet50: the
    /// paper's "supervised" row).
    /// </summary>
    public string Init { get; init; } = "backbone";
    /// <summary>
    /// With <c>init: backbone</c>: rescale each convolution that feeds a BatchNorm to a He initialisation's norm
    /// (the function is unchanged), so pretrained layers whose weights grew during pretraining fine-tune at the
    /// learning rate a random initialisation gets.
    /// </summary>
    public bool RescaleBackbone { get; init; }
    /// <summary>
    /// With <c>init: checkpoint</c>: a PyTorch (.pth/.pt/.pth.tar, zip format) or safetensors ResNet file in any
    /// layout ccrop imports (torchvision, MoCo, SimCLR, SimSiam, BYOL); relative to the working directory.
    /// </summary>
    public string Checkpoint { get; init; } = "";
    /// <summary>
    /// Trunk stages kept at their initial values during fine-tuning, detectron2's FREEZE_AT: 0 none (the MoCo
    /// protocol), 1 the stem, 2 the stem and res2 (detectron2's default for ImageNet backbones), 3 up to res3, 4
    /// the whole trunk; a frozen stage's BatchNorms use their running statistics.
    /// </summary>
    public int FreezeAt { get; init; }
    /// <summary>
    /// The ResNet BatchNorms (trunk and res5) during fine-tuning: <c>bn</c> (batch statistics, trained; the MoCo
    /// protocol) or <c>frozen_bn</c> (the initialisation's running statistics and affine parameters, fixed;
    /// detectron2's default FrozenBN; with <c>init: random</c> that leaves the network without normalisation).
    /// </summary>
    public string Norm { get; init; } = "bn";
    /// <summary>ResNet depth of the detector (must match the pretrained backbone).</summary>
    public int Depth { get; init; } = 50;
    /// <summary>ResNet width multiplier of the detector (must match the pretrained backbone).</summary>
    public double WidthMultiplier { get; init; } = 1.0;

    /// <summary>Training shorter-side sizes, one drawn per image.</summary>
    public IReadOnlyList<int> MinSizeTrain { get; init; } = [.. Enumerable.Range(0, 11).Select(i => 480 + 32 * i)];
    /// <summary>Longest side allowed in training.</summary>
    public int MaxSizeTrain { get; init; } = 1333;
    /// <summary>Test shorter side.</summary>
    public int MinSizeTest { get; init; } = 800;
    /// <summary>Longest side allowed at test.</summary>
    public int MaxSizeTest { get; init; } = 1333;
    /// <summary>Random horizontal flips in training.</summary>
    public bool Flip { get; init; } = true;

    /// <summary>Training iterations.</summary>
    public int Iterations { get; init; } = 24000;
    /// <summary>Images per iteration.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Base learning rate.</summary>
    public double Lr { get; init; } = 0.02;
    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>Weight decay (not applied to batch-norm parameters, detectron2's WEIGHT_DECAY_NORM = 0).</summary>
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Iterations at which the rate is multiplied by <see cref="Gamma"/>.</summary>
    public IReadOnlyList<int> Steps { get; init; } = [18000, 22000];
    /// <summary>Rate factor at each step.</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>Linear warm-up iterations.</summary>
    public int WarmupIters { get; init; } = 100;
    /// <summary>Rate factor at iteration 0 of the warm-up.</summary>
    public double WarmupFactor { get; init; } = 0.001;
    /// <summary>Write the task's checkpoint every this many iterations (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 1000;
    /// <summary>Log losses every this many iterations.</summary>
    public int LogEvery { get; init; } = 20;
    /// <summary>
    /// Evaluate on the test split every this many iterations (0 = only at the end) and log AP, AP50, AP75
    /// (and the per-class values) as the stage's <c>&lt;stage&gt;/eval</c> metrics: a learning curve of AP
    /// against iterations, plotted in report.html. Each evaluation is a full test pass (as long as the final one).
    /// </summary>
    public int EvalEvery { get; init; }

    /// <summary>
    /// Before each test pass, recompute the BatchNorm running statistics as plain averages over this many training
    /// batches (detectron2's PreciseBN; 0 = off, detectron2 uses 200): training keeps an exponential average of the
    /// last few 2-image batches' statistics, which the test pass would otherwise normalise with.
    /// </summary>
    public int PreciseBnIters { get; init; }

    /// <summary>RPN proposals kept before NMS in training.</summary>
    public int PreNmsTopkTrain { get; init; } = 12000;
    /// <summary>RPN proposals kept after NMS in training.</summary>
    public int PostNmsTopkTrain { get; init; } = 2000;
    /// <summary>RPN proposals kept before NMS at test.</summary>
    public int PreNmsTopkTest { get; init; } = 6000;
    /// <summary>RPN proposals kept after NMS at test.</summary>
    public int PostNmsTopkTest { get; init; } = 1000;
    /// <summary>ROIs sampled per image for the box head.</summary>
    public int RoiBatchSize { get; init; } = 512;
    /// <summary>Detections kept per image.</summary>
    public int DetectionsPerImage { get; init; } = 100;
    /// <summary>Test images to evaluate (0 = all).</summary>
    public int TestLimit { get; init; }

    /// <inheritdoc />
    public IEnumerable<OptionError> Validate()
    {
        if (Format is not ("voc" or "coco" or "generated")) yield return new OptionError("format", $"must be voc, coco or generated; got '{Format}'.");
        if (Format == "generated")
        {
            if (GeneratedTrainCount < 1) yield return new OptionError("generated_train_count", "must be at least 1.");
            if (GeneratedTestCount < 1) yield return new OptionError("generated_test_count", "must be at least 1.");
            if (GeneratedSize < 32) yield return new OptionError("generated_size", $"must be at least 32 pixels; got {GeneratedSize}.");
            if (GeneratedClasses is < 1 or > 10) yield return new OptionError("generated_classes", $"must be between 1 and 10; got {GeneratedClasses}.");
            if (!(GeneratedClutter is >= 0 and <= 1)) yield return new OptionError("generated_clutter", $"must be between 0 and 1; got {GeneratedClutter}.");
            if (!(GeneratedSaturation is >= 0 and <= 1)) yield return new OptionError("generated_saturation", $"must be between 0 and 1; got {GeneratedSaturation}.");
        }
        if (Format == "voc" && Devkit.Length == 0) yield return new OptionError("devkit", "set the VOCdevkit folder (holding VOC2007/).");
        if (Format == "voc" && TrainSets.Count == 0) yield return new OptionError("train_sets", "name at least one year/split.");
        if (Format == "coco")
            foreach (var (key, value) in new[] { ("train_json", TrainJson), ("train_images", TrainImages), ("test_json", TestJson), ("test_images", TestImages) })
                if (value.Length == 0) yield return new OptionError(key, "required with format: coco.");
        if (Init is not ("backbone" or "random" or "checkpoint")) yield return new OptionError("init", $"must be backbone, random or checkpoint; got '{Init}'.");
        if (Init == "checkpoint" && Checkpoint.Length == 0)
            yield return new OptionError("checkpoint", "init: checkpoint needs the file, e.g. checkpoint: resnet50-19c8e357.pth (torchvision ImageNet weights) or a PyTorch / safetensors ResNet.");
        if (FreezeAt is < 0 or > 4) yield return new OptionError("freeze_at", $"must be 0 (train everything) to 4 (freeze stem, res2, res3 and res4); got {FreezeAt}.");
        if (Norm is not ("bn" or "frozen_bn")) yield return new OptionError("norm", $"must be bn or frozen_bn; got '{Norm}'.");
        if (Norm == "frozen_bn" && Init == "random")
            yield return new OptionError("norm", "frozen_bn keeps a random initialisation's BatchNorms at mean 0 and variance 1, i.e. no normalisation; use norm: bn with init: random.");
        if (Depth is not (18 or 34 or 50)) yield return new OptionError("depth", $"must be 18, 34 or 50; got {Depth}.");
        if (!(WidthMultiplier > 0)) yield return new OptionError("width_multiplier", "must be positive.");
        if (MinSizeTrain.Count == 0 || MinSizeTrain.Any(s => s < 32)) yield return new OptionError("min_size_train", "give sizes of at least 32 pixels.");
        if (MinSizeTest < 32) yield return new OptionError("min_size_test", "must be at least 32.");
        if (Iterations <= 0) yield return new OptionError("iterations", "must be positive.");
        if (BatchSize <= 0) yield return new OptionError("batch_size", "must be positive.");
        if (!(Lr > 0)) yield return new OptionError("lr", "must be positive.");
        if (Steps.Any(s => s <= 0)) yield return new OptionError("steps", "must be positive iterations.");
        if (WarmupIters < 0) yield return new OptionError("warmup_iters", "must not be negative.");
        if (CheckpointEvery <= 0) yield return new OptionError("checkpoint_every", "must be positive.");
        if (LogEvery <= 0) yield return new OptionError("log_every", "must be positive.");
        if (EvalEvery < 0) yield return new OptionError("eval_every", $"must be 0 (evaluate only at the end) or a positive number of iterations; got {EvalEvery}.");
        if (PreciseBnIters < 0) yield return new OptionError("precise_bn_iters", $"must be 0 (off) or a positive number of batches (detectron2 uses 200); got {PreciseBnIters}.");
        if (RoiBatchSize <= 0) yield return new OptionError("roi_batch_size", "must be positive.");
        foreach (var error in RcnnOptionBounds.Check(this)) yield return error;
    }

    /// <inheritdoc />
    /// <remarks>The devkit's image sets and annotations, the COCO files and image folders, the <c>init: checkpoint</c> file (<see cref="RcnnInputCheck"/>).</remarks>
    public IEnumerable<OptionError> CheckInputs() => RcnnInputCheck.Check(this);

    /// <inheritdoc />
    public IEnumerable<OptionError> CheckBackbone(IReadOnlyDictionary<string, long[]> backboneShapes, string backboneDescription) =>
        Modeling.BackboneFit.Check(this, backboneShapes, backboneDescription);

    /// <summary>detectron2's WarmupMultiStepLR on the SDK's schedule: linear warm-up from <see cref="WarmupFactor"/>, then ×γ at each step passed.</summary>
    public LearningRateSchedule Schedule => LearningRateSchedule.MultiStep(Lr, Iterations, Steps.Select(s => (long)s), Gamma, WarmupIters, WarmupFactor);

    /// <summary>The learning rate of iteration <paramref name="iteration"/> (0-based), as training uses it.</summary>
    public double LearningRateAt(int iteration) => Schedule.At(iteration);

    /// <summary>The model these options describe for <paramref name="numClasses"/> classes (masks for Mask R-CNN).</summary>
    internal RcnnArchitecture Architecture(int numClasses, bool masks) => new(Depth, WidthMultiplier, numClasses, masks)
    {
        Rpn = new RpnSettings
        {
            PreNmsTopKTrain = PreNmsTopkTrain, PostNmsTopKTrain = PostNmsTopkTrain,
            PreNmsTopKTest = PreNmsTopkTest, PostNmsTopKTest = PostNmsTopkTest,
        },
        RoiHeads = new RoiHeadSettings { BatchSizePerImage = RoiBatchSize, DetectionsPerImage = DetectionsPerImage },
    };

    /// <summary>
    /// The training and test splits these options name (VOC devkit sets or COCO files; a generated set
    /// is first written under <paramref name="runDirectory"/>, read as VOC or, for masks, as COCO).
    /// </summary>
    internal (DetectionSplit Train, DetectionSplit Test) ReadSplits(string runDirectory, bool masks = false)
    {
        if (Format == "generated")
        {
            var settings = new DetectionSetGenerator.Settings(GeneratedTrainCount, GeneratedTestCount, GeneratedSize, GeneratedSeed, GeneratedClasses, Clutter: GeneratedClutter, Saturation: GeneratedSaturation);
            var root = GeneratedDetectionSet.Ensure(runDirectory, settings);
            var year = DetectionSetGenerator.Year;
            var images = Path.Combine(root, "VOCdevkit", "VOC" + year, "JPEGImages");
            if (masks)
                return (DetectionSplit.FromCoco(Path.Combine(root, "annotations", "instances_trainval.json"), images),
                        DetectionSplit.FromCoco(Path.Combine(root, "annotations", "instances_test.json"), images));
            var names = Clutter.ShapeNames.Take(GeneratedClasses).ToList();
            var devkit = Path.Combine(root, "VOCdevkit");
            return (DetectionSplit.FromVoc(devkit, [$"{year}/trainval"], names), DetectionSplit.FromVoc(devkit, [$"{year}/test"], names));
        }
        if (Format == "coco")
            return (DetectionSplit.FromCoco(TrainJson, TrainImages), DetectionSplit.FromCoco(TestJson, TestImages));
        var classes = Classes.Count > 0 ? Classes : VocDevkit.StandardClasses;
        return (DetectionSplit.FromVoc(Devkit, TrainSets, classes), DetectionSplit.FromVoc(Devkit, [TestSet], classes));
    }
}
