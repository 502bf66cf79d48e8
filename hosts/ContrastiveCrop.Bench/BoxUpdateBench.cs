using ContrastiveCrop.Sdk.Checkpoints;
using ContrastiveCrop.Sdk.Evaluation;
using ContrastiveCrop.Sdk.Optimization;
using ContrastiveCrop.Sdk.Training;
using System.Diagnostics;
using System.Text.Json;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Runs;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Imaging.Localization;
using ContrastiveCrop.Plugins.Backbones;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Evaluation;
using ContrastiveCrop.Plugins.Methods;
using ContrastiveCrop.Plugins.Samplers;
using static TorchSharp.torch;

namespace ContrastiveCrop.Bench;

/// <summary>
/// ContrastiveCrop's box update against plain inference over the same images with the same
/// backbone, in one process: plain inference as the evaluators run it (pooled features of whole
/// images, training batch size, no_grad), the update pass as training runs it
/// (<see cref="BoxUpdateHook.UpdateBoxes"/>), the update pass as it was before it was tuned (training
/// batch, no_grad, whole heatmaps copied to managed memory), the parts of the update alone, and the
/// update with its statistics and diagnostics. Passes are interleaved over several rounds and the
/// median is reported, so background load affects them alike.
/// </summary>
internal static class BoxUpdateBench
{
    /// <summary>boxes [images] [size] [width] [batch] [rounds] [threads]</summary>
    public static void Run(int images, int size, double width, int batch, int rounds, int threads)
    {
        if (threads > 0) set_num_threads(threads);
        manual_seed(0);
        using var data = new ShapesOnClutter(new ShapesOnClutterOptions { TrainCount = images, TestCount = 1, ImageSize = size }).Open("train");
        var backbone = new ResNet(new ResNetOptions(18, WidthMultiplier: width, SmallDataStem: true));
        using var method = new SimClr(new SimClrOptions(), backbone);
        method.Module.train();
        var options = new ContrastiveCropOptions { Alpha = 0.1, Threshold = 0.5 };
        var rule = options.Rule;
        var sampler = new ContrastiveCropSampler(options);
        sampler.Initialize(images);
        int inferenceBatch = batch;
        var hook = new BoxUpdateHook(sampler, backbone, data, new EvalFeaturePass(inferenceBatch, size));
        var wideHook = new BoxUpdateHook(sampler, backbone, data, new EvalFeaturePass(4 * batch, size));
        var directory = RunDirectory.Create(Path.Combine(Path.GetTempPath(), "ccrop-bench"), "boxes", DateTime.UtcNow);
        using var run = new RunContext(directory, CPU, 0, _ => { }, CancellationToken.None);

        int[][] Batches(int size) => Enumerable.Range(0, (images + size - 1) / size)
            .Select(b => Enumerable.Range(b * size, Math.Min(size, images - b * size)).ToArray()).ToArray();
        Tensor Input(int[] indices) => ImageBatch.FromWholeImages(indices.Select(i => data.Get(i).Image).ToList(), size, Normalization.ImageNet);
        // Ready inputs and feature maps, for the parts measured alone.
        var inputs = Batches(inferenceBatch).Select(Input).ToArray();
        Tensor[] maps;
        using (no_grad())
        {
            backbone.eval();
            maps = inputs.Select(backbone.FeatureMap).ToArray();
            backbone.train();
        }
        var maxima = maps.Select(m => HeatmapBox.Maxima(m, size, size)).ToArray();

        void Eval(Action work)
        {
            backbone.eval();
            using (no_grad()) work();
            backbone.train();
        }
        var passes = new (string Name, Action Work)[]
        {
            ($"plain inference (FeatureExtractor: pooled features, batch {batch}, no_grad)", () =>
            {
                var (features, labels) = FeatureExtractor.Extract(backbone, data, size, batch, run.InputNormalization, CPU);
                features.Dispose();
                labels.Dispose();
            }),
            ($"box update pass (BoxUpdateHook.UpdateBoxes: batch {inferenceBatch}, no_grad, row/column maxima)", () =>
                hook.UpdateBoxes(run)),
            ($"box update pass as before (batch {batch}, no_grad, whole heatmaps to managed)", () =>
            {
                backbone.eval();
                using (no_grad())
                    foreach (var indices in Batches(batch))
                    {
                        using var scope = NewDisposeScope();
                        using var heat = HeatmapBox.Heatmaps(backbone.FeatureMap(Input(indices)), size, size);
                        var values = heat.data<float>().ToArray();
                        Parallel.For(0, indices.Length, i => HeatmapBox.Locate(values.AsSpan(i * size * size, size * size), size, size, rule));
                    }
                backbone.train();
            }),
            ($"box update pass with batch {4 * batch} (BoxUpdateHook.UpdateBoxes)", () =>
                wideHook.UpdateBoxes(run)),
            ("  part: images → normalised batches", () =>
            {
                foreach (var indices in Batches(inferenceBatch)) Input(indices).Dispose();
            }),
            ("  part: last feature map of ready batches", () => Eval(() =>
            {
                foreach (var input in inputs) backbone.FeatureMap(input).Dispose();
            })),
            ("  part: feature maps → heatmap row/column maxima", () =>
            {
                foreach (var m in maps) HeatmapBox.Maxima(m, size, size);
            }),
            ("  part: maxima → boxes (managed)", () =>
            {
                foreach (var (rows, columns) in maxima)
                    for (int i = 0; i < rows.Length / size; i++)
                        HeatmapBox.Locate(rows.AsSpan(i * size, size), columns.AsSpan(i * size, size), rule);
            }),
            ("update + statistics + diagnostics (BoxUpdateHook.AfterEpoch)", () =>
                hook.AfterEpoch(new TrainingState("pretrain", 2, 10, 0, 0, run))),
        };
        foreach (var (_, work) in passes) work(); // warm-up (JIT, allocator)
        // Wall time, and the process's CPU time, which a shared machine disturbs far less.
        var seconds = passes.Select(_ => new List<double>()).ToArray();
        var cpuSeconds = passes.Select(_ => new List<double>()).ToArray();
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < rounds; r++)
            for (int p = 0; p < passes.Length; p++)
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                passes[p].Work();
                seconds[p].Add(clock.Elapsed.TotalSeconds);
                process.Refresh();
                cpuSeconds[p].Add((process.TotalProcessorTime - cpu).TotalSeconds);
            }
        double diagnostics = Medians.Of(File.ReadAllLines(directory.MetricsFile)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("stage").GetString() == BoxUpdateHook.MetricsStage)
            .Select(e => e.GetProperty("values").GetProperty("diagnostics_seconds").GetDouble()).ToList());

        Console.WriteLine($"box update vs plain inference: {images} shapes-on-clutter images at {size} px, ResNet-18 (small stem) width {width}, " +
                          $"training batch {batch}, {get_num_threads()} torch threads, median of {rounds} interleaved rounds");
        Console.WriteLine("| pass | wall s | × plain inference | CPU s | × plain inference |");
        Console.WriteLine("|---|---|---|---|---|");
        double plain = Medians.Of(seconds[0]), plainCpu = Medians.Of(cpuSeconds[0]);
        for (int p = 0; p < passes.Length; p++)
            Console.WriteLine($"| {passes[p].Name} | {Medians.Of(seconds[p]):F3} | {Medians.Of(seconds[p]) / plain:F2} | {Medians.Of(cpuSeconds[p]):F3} | {Medians.Of(cpuSeconds[p]) / plainCpu:F2} |");
        Console.WriteLine($"|   of which diagnostics (diagnostics_seconds in metrics.jsonl) | {diagnostics:F3} | {diagnostics / plain:F2} | | |");
        foreach (var t in inputs.Concat(maps)) t.Dispose();
    }
}
