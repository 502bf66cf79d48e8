using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
using System.Diagnostics;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Pretraining;
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

    /// <summary>
    /// loop &lt;batch&gt; &lt;size&gt; &lt;epochs&gt; &lt;images&gt; &lt;threads&gt; &lt;width&gt;: the model step alone, the whole loop
    /// with batches built between steps (prefetch 0, the CPU default), the whole loop with 2 batches
    /// built on background threads, and the model step again, so load changes show up as a drift.
    /// </summary>
    public static void Loop(int batch, int size, int epochs, int images, int threads, double width)
    {
        set_num_threads(threads);
        using var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = images, TestCount = 10, ImageSize = size }).Open("train");
        double before = StepOnly(batch, size, images, width);
        var inline = WholeLoop(data, batch, size, epochs, width, prefetch: 0);
        var background = WholeLoop(data, batch, size, epochs, width, prefetch: 2);
        double after = StepOnly(batch, size, images, width);
        double stepOnly = (before + after) / 2;
        Console.WriteLine($"model step only: {before:F1} img/s before, {after:F1} img/s after");
        Console.WriteLine("| loader | whole loop img/s (incl. checkpoint) | ratio to model step | per-epoch img/s | data wait per epoch | resident MB per epoch |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, (rate, epochsRows)) in new[] { ("prefetch 0 (between steps)", inline), ("prefetch 2 (background)", background) })
            Console.WriteLine($"| {name} | {rate:F1} | {rate / stepOnly:F3} | {string.Join(", ", epochsRows.Select(e => e.Rate.ToString("F0")))} | " +
                              $"{string.Join(", ", epochsRows.Select(e => e.Wait.ToString("P1")))} | {string.Join(", ", epochsRows.Select(e => e.Resident.ToString("F0")))} |");
    }

    private static (double Rate, List<(double Rate, double Wait, double Resident)> Epochs) WholeLoop(
        ContrastiveCrop.Contracts.IImageDataset data, int batch, int size, int epochs, double width, int prefetch)
    {
        manual_seed(0);
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: width, SmallDataStem: true));
        using var method = new SimClr(new SimClrOptions(), backbone);
        var options = new PretrainOptions { Epochs = epochs, BatchSize = batch, Lr = 0.1, ImageSize = size, LogEvery = 1000, CheckpointEvery = 0, PrefetchBatches = prefetch };
        var directory = RunDirectory.Create(Path.Combine(Path.GetTempPath(), "ccrop-bench"), $"loop-prefetch{prefetch}", DateTime.UtcNow);
        using var run = new RunContext(directory, CPU, 0, _ => { }, CancellationToken.None);
        var result = new PretrainingEngine(options, run).Train(data, new RandomResizedCropSampler(new RandomResizedCropOptions()), method, backbone);
        var rows = new List<(double, double, double)>();
        foreach (var line in File.ReadAllLines(directory.MetricsFile).Where(l => l.Contains("\"pretrain/epoch\"")))
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var v = json.RootElement.GetProperty("values");
            rows.Add((v.GetProperty("images_per_second").GetDouble(), v.GetProperty("data_wait_fraction").GetDouble(), v.GetProperty("resident_mb").GetDouble()));
        }
        return (result.ImagesPerSecond, rows);
    }

    /// <summary>The same SimCLR step on tensors that are already there: the model-step-only rate.</summary>
    private static double StepOnly(int batch, int size, int images, double width)
    {
        manual_seed(0);
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: width, SmallDataStem: true));
        using var method = new SimClr(new SimClrOptions(), backbone);
        method.Module.train();
        var views = new[] { randn(batch, 3, size, size), randn(batch, 3, size, size) };
        using var sgd = new SgdOptimizer(OptimizerFactory.Groups(OptimizerFactory.Named(method.Module, method.TrainableParameters, "simclr"), new ParameterGrouping(new PretrainOptions().WeightDecay)), 0.9);
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
        return steps * batch / clock.Elapsed.TotalSeconds;
    }
}
