using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Hooks;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Plugins.Detection;
using ContrastiveCrop.Plugins.Detection.Modeling;
using ContrastiveCrop.Plugins.Detection.Training;
using TorchSharp;

namespace ContrastiveCrop.Bench;

/// <summary>
/// Training iterations/s and inference images/s of the R-CNN C4 stages of a recipe, at the recipe's
/// sizes and on its data, with the stage breakdown the stage itself reports: <see cref="StageTimingHook"/> over
/// <see cref="DetectionTrainer.TimedModules"/> in training, a <see cref="ModuleTimer"/> on the same modules in inference.
/// Random init (speed does not depend on the weights); a few unmeasured warm-up iterations first.
/// </summary>
/// <remarks>
/// Timed from outside the modules, <c>rpn</c> and <c>roi_heads</c> include their loss computations (there is no
/// separate loss column), and <c>backward</c> and <c>step</c> (the SGD update) are measured separately.
/// </remarks>
internal static class DetectionBench
{
    private static readonly string[] TrainStages =
        [StageTimingHook.Data, .. DetectionTrainer.TimedModules.Select(m => m.Stage), StageTimingHook.Backward, StageTimingHook.Step];

    public static int Run(string recipePath, int iterations, int warmup, int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
        var root = RecipeLoader.Load(recipePath, []);
        var stages = root.TryGetValue("evaluate", out var node) && node is RecipeSequence sequence ? sequence.Items.OfType<RecipeMapping>().ToList() : [];
        var chosen = stages.Select((m, i) => (Name: m.TryGetValue("name", out var n) ? ((RecipeScalar)n).Value : "", Mapping: m, Key: $"evaluate[{i}]"))
            .Where(s => s.Name is "faster-rcnn-c4" or "mask-rcnn-c4").DistinctBy(s => s.Name).ToList();
        if (chosen.Count == 0)
        {
            Console.Error.WriteLine($"{recipePath}: no faster-rcnn-c4 or mask-rcnn-c4 stage under evaluate.");
            return 2;
        }
        Console.WriteLine($"{recipePath}: {iterations} measured training iterations after {warmup} warm-up, then inference on the test split; " +
                          $"{torch.get_num_threads()} threads, load average {LoadAverage()}");
        Console.WriteLine("| model | it/s | " + string.Join(" | ", TrainStages.Select(s => s + " s/it")) + " | test img/s | backbone | rpn | roi_heads (ms/img) |");
        Console.WriteLine("|---|---|" + string.Concat(Enumerable.Repeat("---|", TrainStages.Length)) + "---|---|---|---|");
        foreach (var (name, mapping, key) in chosen)
        {
            var options = RecipeBinder.Bind<RcnnOptions>(mapping.Without("name"), key) with { Init = "random" };
            bool masks = name == "mask-rcnn-c4";
            var (train, test) = options.ReadSplits(Path.Combine(Path.GetTempPath(), "ccrop-bench"), masks);
            var architecture = options.Architecture(train.Classes.Count, masks);

            torch.manual_seed(0);
            using var model = new RcnnC4(architecture);
            // Warm-up in its own folder and run, so the measured run starts at iteration 0 without a checkpoint.
            Train(model, train, options with { Iterations = warmup, CheckpointEvery = warmup, LogEvery = warmup }, null);
            var clock = Stopwatch.StartNew();
            IReadOnlyDictionary<string, double> perIteration;
            using (var timing = new StageTimingHook(model, DetectionTrainer.TimedModules))
            {
                Train(model, train, options with { Iterations = iterations, CheckpointEvery = iterations, LogEvery = iterations }, timing);
                perIteration = timing.Seconds;
            }
            double wall = clock.Elapsed.TotalSeconds;

            var run = new BenchRun();
            double imagesPerSecond;
            IReadOnlyDictionary<string, double> inference;
            using (var timer = new ModuleTimer(model, DetectionTrainer.TimedModules))
            {
                (_, _, imagesPerSecond) = new DetectionEvaluation(options, run, name).Evaluate(model, test);
                inference = timer.Seconds;
            }
            int images = options.TestLimit > 0 ? Math.Min(options.TestLimit, test.Records.Count) : test.Records.Count;
            string Ms(string s) => (1000 * inference[s] / images).ToString("F1", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {iterations / wall:F2} | {string.Join(" | ", TrainStages.Select(s => (perIteration[s] / iterations).ToString("F3", CultureInfo.InvariantCulture)))} | {imagesPerSecond:F1} | {Ms("backbone")} | {Ms("rpn")} | {Ms("roi_heads")} |"));
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static void Train(RcnnC4 model, Plugins.Detection.Data.DetectionSplit split, RcnnOptions options, StageTimingHook? timing)
    {
        using var trainer = new DetectionTrainer(options, new BenchRun(), "bench", model, split, timing);
        trainer.Train();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>A throw-away run folder; logs and metrics are dropped.</summary>
    private sealed class BenchRun : IRunContext
    {
        public string RunDirectory { get; } = Directory.CreateTempSubdirectory("ccrop-bench-detection-").FullName;
        public torch.Device Device => torch.CPU;
        public long Seed => 0;
        public CancellationToken Cancellation => CancellationToken.None;
        public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) { }
        public void Log(string message) { }
    }
}
