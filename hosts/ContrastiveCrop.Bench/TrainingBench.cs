using System.Diagnostics;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Training;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Bench;

/// <summary>
/// Training throughput: the model step as bench/torch_step.py does it in PyTorch, and the whole
/// SimCLR pretraining loop (data included) against the same method step on ready tensors, with
/// resident memory per epoch.
/// </summary>
internal static class TrainingBench
{
    /// <summary>step &lt;resnet18-small|resnet50&gt; &lt;batch&gt; &lt;size&gt; &lt;steps&gt; &lt;threads&gt;</summary>
    public static void Step(string arch, int batch, int size, int steps, int threads)
    {
        set_num_threads(threads);
        manual_seed(0);
        var backbone = arch == "resnet18-small" ? new ResNet(new ResNetOptions(18, SmallDataStem: true)) : new ResNet(new ResNetOptions(50));
        var head = nn.Linear(backbone.FeatureDim, 10);
        var model = nn.Sequential(("backbone", backbone.Network), ("fc", head));
        model.train();
        var groups = new List<ParameterGroup> { new(model.named_parameters().Select(p => (p.name, p.parameter)).ToList(), 1e-4, false) { LearningRate = 0.01 } };
        using var sgd = new SgdOptimizer(groups, 0.9);
        var x = randn(batch, 3, size, size);
        var y = randint(0, 10, [batch]);
        void One()
        {
            using var scope = NewDisposeScope();
            sgd.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            sgd.Step();
        }
        One(); One();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) One();
        Console.WriteLine($"torchsharp {arch} batch {batch} size {size} threads {threads}: {steps * batch / clock.Elapsed.TotalSeconds:F1} img/s");
    }

    public static void Loop(int batch, int size, int epochs, int images, int threads, double width)
    {
        set_num_threads(threads);
        manual_seed(0);
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: width, SmallDataStem: true));
        using var method = new SimClr(new SimClrOptions(), backbone);
        var options = new PretrainOptions { Epochs = epochs, BatchSize = batch, Lr = 0.1, ImageSize = size, LogEvery = 1000, CheckpointEvery = 0 };
        var root = Path.Combine(Path.GetTempPath(), "ccrop-bench");
        var directory = RunDirectory.Create(root, "loop", DateTime.UtcNow);
        using var run = new RunContext(directory, CPU, 0, Console.WriteLine, CancellationToken.None);
        using var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = images, TestCount = 10, ImageSize = size }).Open("train");
        var result = new PretrainingEngine(options, run).Train(data, new RandomResizedCropSampler(new RandomResizedCropOptions()), method, backbone);
        var epochLines = File.ReadAllLines(directory.MetricsFile).Where(l => l.Contains("\"pretrain/epoch\"")).ToList();
        foreach (var line in epochLines)
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var v = json.RootElement.GetProperty("values");
            Console.WriteLine($"epoch {v.GetProperty("epoch").GetDouble()}: {v.GetProperty("images_per_second").GetDouble():F1} img/s, " +
                              $"data wait {v.GetProperty("data_wait_fraction").GetDouble():P1}, resident {v.GetProperty("resident_mb").GetDouble():F0} MB");
        }

        // The same method step on tensors that are already there: the model-step-only rate.
        var views = new[] { randn(batch, 3, size, size), randn(batch, 3, size, size) };
        using var sgd = new SgdOptimizer(OptimizerFactory.Groups(method, options), 0.9);
        foreach (var g in sgd.Groups) g.LearningRate = 0.01;
        void One()
        {
            using var scope = NewDisposeScope();
            var output = method.ComputeLoss(views, default);
            output.Loss.item<float>();
            sgd.ZeroGrad();
            output.Loss.backward();
            sgd.Step();
        }
        One();
        int steps = Math.Max(5, images / batch);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) One();
        double stepOnly = steps * batch / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"whole loop {result.ImagesPerSecond:F1} img/s (incl. checkpoint), model step only {stepOnly:F1} img/s, ratio {result.ImagesPerSecond / stepOnly:F3}");
    }
}
