using System.Globalization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Distributed;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Data;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Data;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Plugins.Detection.Training;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
using ContrastiveCrop.Sdk.Distributed;
using TorchSharp;
using static TorchSharp.torch;

// Usage: probe <scenario> <output folder> [arguments]; every rank writes rank<r>.txt there.
//   collectives                     all-reduce, all-gather (with gradient), broadcast on small known tensors
//   step <images per rank> <steps> <global|local> [none|bn|bn-sync]  SimCLR on a BatchNorm-free model (or with BatchNorm in
//                                   the backbone and projector, per rank or synchronised), negatives from all ranks or (the
//                                   wrong way, for contrast) from this rank only; the parameters (and buffers) after the steps
//   shuffle <images per rank>       MoCo's shuffled key encoding with a batch-dependent encoder (x − batch mean): keys and π
//   moco <images per rank> <steps>  MoCo v2 on a BatchNorm-free model: parameters and the queue after the steps
//   boxes                           ContrastiveCrop's box update (ResNet with BatchNorm, 23 images, batches of 5): the boxes
//   neighbours                      WCL's neighbour table (same model and images, K = 3, search blocks of 4 rows): the table
//   wcl <images per rank>           WCL's loss (with 2 small crops) on fixed embeddings: loss and averaged embedding gradients
//   trainer <nan step>              the SDK loop with rank-dependent losses (rank r: r + 1, part 2(r + 1)); rank 1's loss is NaN
//                                   from step <nan step> on (−1: never): the metrics rank 0 logged, or the divergence each rank saw
//   detection                       Faster R-CNN C4 fine-tuning, 3 iterations of a global batch of 2: per-parameter checksums,
//                                   whether this rank wrote the stage's checkpoint
//   hang <timeout seconds>          rank 1 stops calling collectives; rank 0's next all-reduce must end the job
//   exit <timeout seconds>          rank 1 exits (code 0, without MPI_Finalize) before rank 0's next all-reduce
string scenario = args[0], output = args[1];
Directory.CreateDirectory(output);
var launch = LaunchEnvironment.Current();
double timeout = scenario is "hang" or "exit" ? double.Parse(args[2], CultureInfo.InvariantCulture) : 120;
var group = ProcessGroups.Start(new DistributedOptions(DistributedBackend.Auto, timeout), launch, deviceIsCuda: false);
var lines = new List<string> { $"world {group.WorldSize}", $"backend {group.Backend}" };
try
{
    switch (scenario)
    {
        case "collectives": Collectives(group, lines); break;
        case "step": Step(group, int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), args[4] == "global",
                          args.Length > 5 ? args[5] : "none", lines); break;
        case "shuffle": Shuffle(group, int.Parse(args[2], CultureInfo.InvariantCulture), lines); break;
        case "moco": MoCoSteps(group, int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), lines); break;
        case "boxes": Boxes(group, output, lines); break;
        case "neighbours": Neighbours(group, output, lines); break;
        case "wcl": WclLoss(group, int.Parse(args[2], CultureInfo.InvariantCulture), lines); break;
        case "trainer": TrainerLoss(group, output, int.Parse(args[2], CultureInfo.InvariantCulture), lines); break;
        case "detection": Detection(group, output, lines); break;
        case "hang": Hang(group, exit: false); break;
        case "exit": Hang(group, exit: true); break;
        default: throw new ArgumentException($"unknown scenario {scenario}");
    }
}
finally
{
    File.WriteAllLines(Path.Combine(output, $"rank{group.Rank}.txt"), lines);
    (group as IDisposable)?.Dispose();
}
return 0;

static string Values(Tensor t) => string.Join(' ', t.to_type(ScalarType.Float64).data<double>().ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

static void Collectives(IProcessGroup group, List<string> lines)
{
    int r = group.Rank;
    var sum = tensor(new float[] { r + 1, 10 * (r + 1), -(r + 1) });
    group.AllReduce(sum, ReduceOp.Sum);
    lines.Add($"allreduce_sum {Values(sum)}");
    var max = tensor(new double[] { r, -r, 0.25 * r });
    group.AllReduce(max, ReduceOp.Max);
    lines.Add($"allreduce_max {Values(max)}");
    var min = tensor(new long[] { 3_000_000_000L * (r + 1), -r });
    group.AllReduce(min, ReduceOp.Min);
    lines.Add($"allreduce_min_int64 {Values(min)}");
    using var gathered = group.AllGather(tensor(new float[] { r, r + 0.5f }).reshape(1, 2));
    lines.Add($"allgather {string.Join(' ', gathered.shape)} | {Values(gathered)}");
    var broadcast = full(4, 7 * r + 1, dtype: ScalarType.Float32);
    group.Broadcast(broadcast, root: group.WorldSize - 1);
    lines.Add($"broadcast_from_last {Values(broadcast)}");
    // Rank r's loss is Σ (gathered ⊙ w_r) with w_r = (r + 1)·[[1, 2], [3, 4], ...]: the gradient reaching rank r's
    // own row is Σ_r' w_r'[r] = (Σ_r' (r' + 1))·[2r + 1, 2r + 2].
    var x = tensor(new float[] { r + 1, 2 * (r + 1) }).reshape(1, 2).requires_grad_(true);
    var all = DistributedGather.WithGradient(group, x);
    var w = arange(1, 2 * group.WorldSize + 1, dtype: ScalarType.Float32).reshape(group.WorldSize, 2) * (r + 1);
    (all * w).sum().backward();
    lines.Add($"gather_forward {Values(all.detach())}");
    lines.Add($"gather_grad {Values(x.grad!)}");
    group.Barrier();
    lines.Add("barrier passed");
}

static void Step(IProcessGroup group, int perRank, int steps, bool globalNegatives, string norm, List<string> lines)
{
    // Every rank builds the model from its own seed; the broadcast from rank 0 must make them equal.
    manual_seed(17 + group.Rank);
    bool batchNorm = norm != "none";
    var backbone = new TinyBackbone(batchNorm);
    var method = new SimClr(new SimClrOptions(Temperature: 0.5, BaseTemperature: null, ProjectionDim: 8, HiddenDim: 16, ProjectorBatchNorm: batchNorm), backbone);
    if (globalNegatives) method.UseProcessGroup(group);
    if (norm == "bn-sync") lines.Add($"synchronised_layers {SyncBatchNorm.Apply(group, method.Module)}");
    var averaging = new GradientAveragingHook(group, method.Module) { BucketBytes = 1024 }; // small buckets: several all-reduces per step
    GradientAveragingHook.BroadcastFromRankZero(group, method.Module);
    var initial = method.TrainableParameters.Select(p => p.detach().clone()).ToList();
    using var optimizer = optim.SGD(method.TrainableParameters, 2.0, momentum: 0.9, weight_decay: 1e-4);
    TrainOnShards(group, method, averaging, optimizer, perRank, steps, viewSeed: 5, (step, output) =>
    {
        var loss = output.Loss.detach().clone();
        group.AllReduce(loss, ReduceOp.Sum);
        lines.Add($"loss {step} {(loss / group.WorldSize).item<float>().ToString("R", CultureInfo.InvariantCulture)}");
    });
    double moved = method.TrainableParameters.Zip(initial).Max(pair => (pair.First - pair.Second).abs().max().item<float>());
    lines.Add($"moved {moved.ToString("R", CultureInfo.InvariantCulture)}");
    foreach (var (name, parameter) in method.Module.named_parameters())
        lines.Add($"param {name} {Values(parameter.detach())}");
    foreach (var (name, value) in method.Module.state_dict().Where(kv => kv.Key.Contains("running_")))
        lines.Add($"buffer {name} {Values(value)}");
}

/// <summary>
/// <paramref name="steps"/> optimiser steps of <paramref name="method"/> on this rank's share of a global batch of
/// perRank × world images of two views (the same tensors on every rank, drawn from <paramref name="viewSeed"/>),
/// gradients averaged before each step, as the training loop does; <paramref name="afterStep"/> sees each step's output.
/// </summary>
static void TrainOnShards(IProcessGroup group, ISiameseMethod method, GradientAveragingHook averaging, optim.Optimizer optimizer,
                          int perRank, int steps, int viewSeed, Action<int, MethodStepOutput>? afterStep = null)
{
    int global = perRank * group.WorldSize;
    var generator = new Generator().manual_seed(viewSeed);
    var view1 = randn([steps, global, 3, 4, 4], generator: generator);
    var view2 = view1 + 0.3 * randn([steps, global, 3, 4, 4], generator: generator);
    for (int step = 0; step < steps; step++)
    {
        var v1 = view1[step].narrow(0, group.Rank * perRank, perRank);
        var v2 = view2[step].narrow(0, group.Rank * perRank, perRank);
        optimizer.zero_grad();
        var progress = new TrainingProgress(0, 1, step, steps);
        var output = method.ComputeLoss([v1, v2], progress);
        output.Loss.backward();
        averaging.Average();
        optimizer.step();
        method.AfterOptimizerStep(progress);
        afterStep?.Invoke(step, output);
    }
}

static void Shuffle(IProcessGroup group, int perRank, List<string> lines)
{
    // Rank 0 and rank 1 seed differently: the broadcast must make rank 0's permutation the one every rank uses.
    manual_seed(101 + group.Rank);
    // Global image g is the row [g² / 10, g]; this rank holds images rN … rN + N − 1.
    var global = arange(perRank * group.WorldSize, dtype: ScalarType.Float32);
    var images = stack([global * global / 10, global], 1).narrow(0, group.Rank * perRank, perRank);
    // An "encoder" whose output depends on the batch it is given, as BatchNorm's does: x minus the batch mean.
    var (keys, permutation) = ShuffledKeyEncoding.EncodeWithPermutation(group, images, batch => batch - batch.mean([0L], keepdim: true));
    lines.Add($"permutation {Values(permutation)}");
    lines.Add($"keys {Values(group.AllGather(keys))}");
}

static void MoCoSteps(IProcessGroup group, int perRank, int steps, List<string> lines)
{
    manual_seed(17 + group.Rank);
    var method = new MoCo(new MoCoOptions(ProjectionDim: 4, HiddenDim: 8, QueueSize: 12, Momentum: 0.9, Temperature: 0.2), new TinyBackbone());
    method.UseProcessGroup(group);
    var averaging = new GradientAveragingHook(group, method.Module);
    GradientAveragingHook.BroadcastFromRankZero(group, method.Module);
    var initialQueue = method.Queue.Keys.clone();
    var initial = method.TrainableParameters.Select(p => p.detach().clone()).ToList();
    using var optimizer = optim.SGD(method.TrainableParameters, 0.5, momentum: 0.9);
    TrainOnShards(group, method, averaging, optimizer, perRank, steps, viewSeed: 7);
    lines.Add($"moved {method.TrainableParameters.Zip(initial).Max(pair => (pair.First - pair.Second).abs().max().item<float>()).ToString("R", CultureInfo.InvariantCulture)}");
    lines.Add($"initial_queue {Values(initialQueue)}");
    lines.Add($"queue {Values(method.Queue.Keys)}");
    lines.Add($"pointer {method.Queue.Pointer}");
    foreach (var (name, parameter) in method.Module.named_parameters())
        lines.Add($"param {name} {Values(parameter.detach())}");
}

// A ResNet with BatchNorm whose parameters are rank 0's on every rank (as after the trainer's broadcast) but whose
// running statistics differ between ranks (each rank took a train-mode step on its own images), and 23 images.
static (RunContext Run, IImageDataset Data, ResNet Backbone) EvalSetup(IProcessGroup group, string output)
{
    manual_seed(3 + group.Rank);
    var directory = RunDirectory.Create(Path.Combine(output, $"run{group.Rank}"), "probe", DateTime.UtcNow);
    var run = new RunContext(directory, CPU, 0, _ => { }, CancellationToken.None, group: group);
    var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = 23, TestCount = 1, ImageSize = 16 }).Open("train");
    var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: 0.125, SmallDataStem: true));
    GradientAveragingHook.BroadcastFromRankZero(group, backbone.Network);
    backbone.Network.train();
    using (no_grad()) backbone.Network.call(randn(8, 3, 16, 16) * (1 + group.Rank));
    var statistics = backbone.Network.buffers().Where(b => b.is_floating_point()).Select(b => b.sum().item<float>()).Sum();
    File.AppendAllLines(Path.Combine(output, $"statistics{group.Rank}.txt"), [statistics.ToString("R", CultureInfo.InvariantCulture)]);
    return (run, data, backbone);
}

static void Boxes(IProcessGroup group, string output, List<string> lines)
{
    var (run, data, backbone) = EvalSetup(group, output);
    var sampler = new ContrastiveCropSampler(new ContrastiveCropOptions { Threshold = 0.3 });
    sampler.Initialize(data.Count);
    new BoxUpdateHook(sampler, backbone, data, new EvalFeaturePass(5, 16)).UpdateBoxes(run);
    lines.Add($"localized {sampler.Localized}");
    lines.Add($"boxes {Values(sampler.GetState()["boxes"])}");
    run.Dispose();
}

static void Neighbours(IProcessGroup group, string output, List<string> lines)
{
    var (run, data, backbone) = EvalSetup(group, output);
    var table = new NeighbourTable(data.Count, 3);
    var hook = new NeighbourTableHook(table, 1, backbone, data, new EvalFeaturePass(5, 16)) { SearchBlockRows = 4 };
    hook.AfterEpoch(new TrainingState("pretrain", 1, 3, 10, 30, run));
    lines.Add($"table {Values(table.GetState()["indices"])}");
    run.Dispose();
}

static void WclLoss(IProcessGroup group, int perRank, List<string> lines)
{
    // Fixed embeddings of the global batch: 2 large views, 2 small views, head 1 (z) and head 2 (h), D = 5.
    int global = perRank * group.WorldSize, d = 5, small = 2;
    var generator = new Generator().manual_seed(11);
    // Clustered, so the 1-NN graph has components of several images (weak positives beyond the image itself).
    var centres = randn([3, d], generator: generator);
    Tensor Embeddings(int views) => (centres[arange(views * global) % 3] + 0.4 * randn([views * global, d], generator: generator)).requires_grad_(true);
    var (largeZ, largeH, smallZ, smallH) = (Embeddings(2), Embeddings(2), Embeddings(small), Embeddings(small));
    // This rank's rows: image rN + i of every view.
    Tensor Own(Tensor all, int views) =>
        nn.functional.normalize(cat(Enumerable.Range(0, views).Select(v => all.narrow(0, v * global + group.Rank * perRank, perRank)).ToList(), 0), dim: 1);
    var options = new WclOptions(Temperature: 0.2, GraphWeight: 0.7) { SmallCrops = small, SmallCropWeight = 0.5, SmallCropGraphWeight = 0.3 };
    var loss = WclObjective.Compute(Own(largeZ, 2), Own(largeH, 2), Own(smallZ, small), Own(smallH, small), perRank, options, group);
    loss.backward();
    var mean = loss.detach().clone();
    group.AllReduce(mean, ReduceOp.Sum);
    lines.Add($"loss {(mean / group.WorldSize).item<float>().ToString("R", CultureInfo.InvariantCulture)}");
    foreach (var (name, leaf) in new[] { ("z", largeZ), ("h", largeH), ("small_z", smallZ), ("small_h", smallH) })
    {
        // What the gradient hook does to parameter gradients: the mean over ranks.
        var gradient = leaf.grad!.clone();
        group.AllReduce(gradient, ReduceOp.Sum);
        lines.Add($"grad_{name} {Values(gradient / group.WorldSize)}");
    }
}

static void TrainerLoss(IProcessGroup group, string output, int nanStep, List<string> lines)
{
    var directory = RunDirectory.Create(Path.Combine(output, $"run{group.Rank}"), "probe", DateTime.UtcNow);
    using var run = new RunContext(directory, CPU, 0, _ => { }, CancellationToken.None, group: group);
    using var trainer = new RankLossTrainer(run, group.Rank, nanStep);
    try
    {
        trainer.Train();
        lines.Add("finished");
    }
    catch (TrainingDivergedException e)
    {
        lines.Add($"diverged {e.Message}");
    }
    lines.Add($"metrics_file {directory.MetricsFile}");
}

static void Detection(IProcessGroup group, string output, List<string> lines)
{
    var data = Path.Combine(output, $"data{group.Rank}");
    var classes = DetectionSetGenerator.Generate(data, new DetectionSetGenerator.Settings(4, 1, 48, Seed: 3, Classes: 2));
    var train = DetectionSplit.FromVoc(Path.Combine(data, "VOCdevkit"), ["2007/trainval"], classes);
    var options = new RcnnOptions
    {
        Depth = 50, WidthMultiplier = 1.0 / 16, MinSizeTrain = [48, 64], MaxSizeTrain = 64,
        Iterations = 3, BatchSize = 2, Lr = 0.01, Steps = [2], WarmupIters = 1, CheckpointEvery = 0, LogEvery = 1,
    };
    // Every rank initialises its own model (another seed on rank 1): the trainer must make them rank 0's.
    manual_seed(1 + group.Rank);
    using var model = new RcnnC4(new RcnnArchitecture(50, 1.0 / 16, 2, false)
    {
        Rpn = new RpnSettings { PreNmsTopKTrain = 200, PostNmsTopKTrain = 50, PreNmsTopKTest = 200, PostNmsTopKTest = 50 },
        RoiHeads = new RoiHeadSettings { BatchSizePerImage = 64 },
    });
    var initial = model.parameters().Select(p => p.detach().clone()).ToList();
    var directory = RunDirectory.Create(Path.Combine(output, $"run{group.Rank}"), "probe", DateTime.UtcNow);
    using var run = new RunContext(directory, CPU, 0, _ => { }, CancellationToken.None, group: group);
    using (var trainer = new DetectionTrainer(options, run, "det", model, train))
    {
        trainer.Train();
        lines.Add($"checkpoint {File.Exists(trainer.CheckpointPath)}");
    }
    lines.Add($"moved {model.parameters().Zip(initial).Max(pair => (pair.First - pair.Second).abs().max().item<float>()).ToString("R", CultureInfo.InvariantCulture)}");
    foreach (var (name, parameter) in model.named_parameters())
    {
        var p = parameter.detach().to_type(ScalarType.Float64);
        lines.Add($"param {name} {Values(stack([p.sum(), (p * p).sum(), (p * arange(p.numel(), dtype: ScalarType.Float64).reshape(p.shape)).sum()]))}");
    }
}

static void Hang(IProcessGroup group, bool exit)
{
    var t = ones(3);
    group.AllReduce(t); // every rank gets here
    if (group.Rank == 1 && exit)
    {
        Console.Error.WriteLine("rank 1: exiting early (simulated crash without MPI_Finalize)");
        Environment.Exit(0);
    }
    if (group.Rank == 1)
    {
        Console.Error.WriteLine("rank 1: hanging (simulated stuck rank)");
        Thread.Sleep(TimeSpan.FromMinutes(10));
    }
    group.AllReduce(t); // rank 0 waits here for a rank that never comes
}

/// <summary>Conv → ReLU → global pooling, no BatchNorm (per-rank and global batches give the same gradients), or with BatchNorm after the conv.</summary>
internal sealed class TinyBackbone : IBackbone
{
    private readonly TorchSharp.Modules.Sequential _stem;
    private readonly Net _net;
    private readonly bool _batchNorm;

    public TinyBackbone(bool batchNorm = false)
    {
        _batchNorm = batchNorm;
        _stem = batchNorm
            ? nn.Sequential(nn.Conv2d(3, 6, 3, padding: 1), nn.BatchNorm2d(6), nn.ReLU())
            : nn.Sequential(nn.Conv2d(3, 6, 3, padding: 1), nn.ReLU());
        _net = new Net(_stem);
    }

    public nn.Module<Tensor, Tensor> Network => _net;
    public int FeatureDim => 6;
    public Tensor FeatureMap(Tensor images) => _stem.call(images);
    public Tensor Pool(Tensor featureMap) => featureMap.mean([2L, 3L]);
    public IBackbone Copy()
    {
        var copy = new TinyBackbone(_batchNorm);
        using var noGrad = no_grad();
        foreach (var (target, source) in copy._stem.parameters().Zip(_stem.parameters())) target.copy_(source);
        return copy;
    }

    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Sequential stem;

        public Net(TorchSharp.Modules.Sequential stem) : base("tiny")
        {
            this.stem = stem;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => stem.call(input).mean([2L, 3L]);
    }
}

/// <summary>Three steps whose loss on rank r is r + 1 (part "double": 2(r + 1), observation "rank": r), NaN on rank 1 from a given step.</summary>
internal sealed class RankLossTrainer : TrainerBase, IDisposable
{
    private readonly TorchSharp.Modules.Linear _model = nn.Linear(2, 1);
    private readonly int _rank, _nanStep;

    public RankLossTrainer(IRunContext run, int rank, int nanStep)
        : base(new TrainerSettings("probe", new TrainingLength(3, 1, 3), 0) { LogEvery = 1 }, run)
    {
        (_rank, _nanStep) = (rank, nanStep);
        Optimizer = new SgdOptimizer(OptimizerFactory.Groups(_model.named_parameters().Select(p => (p.name, p.parameter)).ToList(), new ParameterGrouping(0)), 0.9);
        Schedule = LearningRateSchedule.Cosine(0.1, 3);
    }

    protected override nn.Module Module => _model;
    protected override SgdOptimizer Optimizer { get; }
    protected override LearningRateSchedule Schedule { get; }

    protected override StepOutput ComputeStep(TrainingState state)
    {
        double value = _rank == 1 && _nanStep >= 0 && state.Step >= _nanStep ? double.NaN : _rank + 1;
        var loss = _model.weight!.sum() * 0 + value;
        return new StepOutput(loss, 1)
        {
            Parts = new Dictionary<string, Tensor> { ["double"] = tensor(2f * (_rank + 1)) },
            Observations = new Dictionary<string, Tensor> { ["rank"] = tensor((float)_rank) },
        };
    }

    public void Dispose() => Optimizer.Dispose();
}
