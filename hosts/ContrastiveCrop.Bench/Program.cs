using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Bench;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Engine.Pretraining;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Datasets;
using ContrastiveCrop.Plugins.Samplers;

// ccrop-bench data [--work DIR] [--small N] [--large N] [--batch B] [--python PATH]
// ccrop-bench parity [PYTHON]   (our ops against torchvision's on the same inputs)
// ccrop-bench step <resnet18-small|resnet50> <batch> <size> <steps> <threads>   (model step; bench/torch_step.py is the PyTorch side)
// ccrop-bench loop <batch> <size> <epochs> <images> <threads> <width>           (whole pretraining loop vs model step, memory per epoch)
// ccrop-bench sampler [pairs]                                                   (cost per crop pair, contrastive-crop vs random-resized-crop)
// ccrop-bench boxes [images] [size] [width] [batch] [rounds] [threads]          (ContrastiveCrop box update vs plain inference, and its parts)
// ccrop-bench detection <recipe> [iterations] [warmup] [threads]               (R-CNN C4 stages of a recipe: it/s, test img/s, per-stage times)
//
// Two-view MoCo v2 augmented samples per second, ours (ViewBatchLoader) and torchvision's
// (bench/torchvision_data.py, DataLoader with as many workers as we have threads) on the same data:
// 32 px CIFAR-like images from memory and 224 px views from JPEG files.
if (args.Length > 0 && args[0] == "parity") return TorchvisionParity.Run(args.Length > 1 ? args[1] : "/usr/bin/python3");
if (args.Length == 6 && args[0] == "step")
{
    TrainingBench.Step(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
        int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length == 7 && args[0] == "loop")
{
    TrainingBench.Loop(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture),
        int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture),
        int.Parse(args[5], CultureInfo.InvariantCulture), double.Parse(args[6], CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length is 1 or 2 && args[0] == "sampler")
{
    SamplerBench.Run(args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000);
    return 0;
}
if (args.Length is >= 1 and <= 7 && args[0] == "boxes")
{
    string At(int i, string fallback) => args.Length > i ? args[i] : fallback;
    BoxUpdateBench.Run(int.Parse(At(1, "2000"), CultureInfo.InvariantCulture), int.Parse(At(2, "32"), CultureInfo.InvariantCulture),
        double.Parse(At(3, "0.125"), CultureInfo.InvariantCulture), int.Parse(At(4, "128"), CultureInfo.InvariantCulture),
        int.Parse(At(5, "5"), CultureInfo.InvariantCulture), int.Parse(At(6, "0"), CultureInfo.InvariantCulture));
    return 0;
}
if (args.Length is >= 2 and <= 5 && args[0] == "detection")
{
    int At(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
    return DetectionBench.Run(args[1], At(2, 20), At(3, 3), At(4, 0));
}
if (args.Length == 0 || args[0] != "data")
{
    Console.Error.WriteLine("usage: ccrop-bench data [--work DIR] [--small N] [--large N] [--batch B] [--python PATH] | parity [PYTHON]\n" +
                            "       | step <resnet18-small|resnet50> <batch> <size> <steps> <threads> | loop <batch> <size> <epochs> <images> <threads> <width> | sampler [pairs]\n" +
                            "       | boxes [images] [size] [width] [batch] [rounds] [threads]\n" +
                            "       | detection <recipe> [iterations] [warmup] [threads]");
    return 2;
}
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var work = Path.GetFullPath(Arg("--work", Path.Combine(Path.GetTempPath(), "ccrop-bench-data")));
int smallCount = int.Parse(Arg("--small", "10000"), CultureInfo.InvariantCulture);
int largeCount = int.Parse(Arg("--large", "512"), CultureInfo.InvariantCulture);
int batch = int.Parse(Arg("--batch", "128"), CultureInfo.InvariantCulture);
string python = Arg("--python", "/usr/bin/python3");
int threads = Environment.ProcessorCount;
Directory.CreateDirectory(work);

// 1. The data: CIFAR-binary file of 32 px images and a folder of ~ImageNet-sized JPEGs, both from the objects-on-clutter generator.
var smallDir = Path.Combine(work, "small");
var largeDir = Path.Combine(work, "large");
var cifarFile = Path.Combine(work, "cifar-like.bin");
if (!File.Exists(cifarFile))
{
    ObjectsOnClutterGenerator.Generate(smallDir, new(smallCount, 0, 32, 1, null));
    var index = ImageFolderIndex.Scan(Path.Combine(smallDir, "train"), "");
    using var file = File.Create(cifarFile);
    for (int i = 0; i < index.Files.Count; i++)
    {
        var image = ImageCodec.Decode(index.Files[i]);
        file.WriteByte((byte)index.Labels[i]);
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 32 * 32; p++) file.WriteByte(image.Pixels[p * 3 + c]);
    }
}
var jpegDir = Path.Combine(largeDir, "jpeg");
if (!Directory.Exists(jpegDir))
{
    ObjectsOnClutterGenerator.Generate(largeDir, new(largeCount, 0, 400, 2, null));
    foreach (var png in Directory.GetFiles(Path.Combine(largeDir, "train"), "*.png", SearchOption.AllDirectories))
    {
        var target = Path.Combine(jpegDir, Path.GetFileName(Path.GetDirectoryName(png))!, Path.GetFileNameWithoutExtension(png) + ".jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllBytes(target, ImageCodec.EncodeJpeg(ImageCodec.Decode(png), 90));
    }
}

// 2. Ours.
var sampler = new RandomResizedCropSampler(new RandomResizedCropOptions());
var views = new[] { new ViewSpec("moco-v2"), new ViewSpec("moco-v2") };
double Ours(IImageDataset data, int size, int epochs)
{
    var loader = new ViewBatchLoader(data, sampler, views, size, batch, 0, Normalization.ImageNet);
    _ = loader.Build(Enumerable.Range(0, batch).ToArray(), -1); // warm-up (JIT)
    var clock = Stopwatch.StartNew();
    long samples = 0;
    for (int e = 0; e < epochs; e++)
    {
        var enumerator = loader.Epoch(e).GetAsyncEnumerator();
        while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult()) samples += enumerator.Current.Indices.Length;
        enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
    return samples / clock.Elapsed.TotalSeconds;
}
var cifarRecords = CifarBinary.Read([cifarFile], 1, 0, 10, "");
using var small = new InMemoryDataset("cifar-like", cifarRecords, Clutter.ShapeNames);
double ours32 = Ours(small, 32, 2);
using var large = new FileImageDataset("jpeg", ImageFolderIndex.Scan(jpegDir, ""), cacheInMemory: false, null);
double ours224 = Ours(large, 224, 1);

// 3. torchvision on the same files, same number of workers.
var script = Path.Combine(AppContext.BaseDirectory, "torchvision_data.py");
var start = new ProcessStartInfo(python, [script, cifarFile, jpegDir, threads.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture)])
{
    RedirectStandardOutput = true,
};
using var process = Process.Start(start)!;
var reference = process.StandardOutput.ReadToEnd().Split('\n').Where(l => l.Contains('=')).ToDictionary(l => l.Split('=')[0], l => double.Parse(l.Split('=')[1], CultureInfo.InvariantCulture));
process.WaitForExit();

Console.WriteLine($"two-view MoCo v2 samples/s, {threads} threads (ours: ViewBatchLoader; torchvision 0.14: DataLoader, {threads} workers), batch {batch}");
Console.WriteLine($"| data | ours | torchvision | ratio |");
Console.WriteLine($"|---|---|---|---|");
foreach (var (name, ours, key) in new[] { ($"32 px from memory ({smallCount} images)", ours32, "tv32"), ($"224 px from JPEG files ({largeCount} × 400², q90)", ours224, "tv224") })
{
    double tv = reference.GetValueOrDefault(key, double.NaN);
    Console.WriteLine($"| {name} | {ours:F0} | {tv:F0} | {ours / tv:F2}× |");
}
return process.ExitCode == 0 ? 0 : 1;
