using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;
using ContrastiveCrop.Plugins.Samplers;
using static TorchSharp.torch;

namespace ContrastiveCrop.Bench;

/// <summary>
/// Cost of one crop pair (two views) as the loader pays it: a seeded Random per view, then Sample,
/// optionally followed by the resize into the view. Samplers are measured interleaved, several
/// rounds, and the median is reported, so background load affects them alike.
/// </summary>
internal static class SamplerBench
{
    /// <summary>sampler [pairs]: ns per crop pair, contrastive-crop vs random-resized-crop.</summary>
    public static void Run(int pairs)
    {
        const int side = 32, rounds = 7;

        var options = new ContrastiveCropOptions { Alpha = 0.1 };
        var rrc = new RandomResizedCropSampler(options);
        var before = new ContrastiveCropSampler(options);
        before.Initialize(pairs);
        var ccrop = new ContrastiveCropSampler(options);
        ccrop.Initialize(pairs);
        // Boxes like a trained run's: random boxes of 20–100% of each side.
        var random = new Random(1);
        var values = new float[pairs * 4];
        for (int i = 0; i < pairs; i++)
        {
            float h = 0.2f + 0.8f * random.NextSingle(), w = 0.2f + 0.8f * random.NextSingle();
            float top = (1 - h) * random.NextSingle(), left = (1 - w) * random.NextSingle();
            (values[4 * i], values[4 * i + 1], values[4 * i + 2], values[4 * i + 3]) = (top, left, top + h, left + w);
        }
        using (var boxes = tensor(values, [pairs, 4]))
        using (var localized = tensor(1L))
            ccrop.SetState(new Dictionary<string, Tensor> { ["boxes"] = boxes, ["localized"] = localized });

        var image = new RgbImage(side, side, new byte[side * side * 3]);
        var view = new float[3 * side * side];
        var samplers = new (string Name, ICropSampler Sampler)[] { ("random-resized-crop", rrc), ("contrastive-crop (before 1st update)", before), ("contrastive-crop (with boxes)", ccrop) };

        double Measure(ICropSampler sampler, bool resize)
        {
            long checksum = 0;
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < pairs; i++)
            for (int v = 0; v < 2; v++)
            {
                var r = new Random(DeterministicSeed.Combine(0, 0, i, v));
                var crop = sampler.Sample(new CropRequest(i, v, side, side), r);
                checksum += crop.Top + crop.Left;
                if (resize) ResizedCrop.Write(image, crop, side, false, Normalization.ImageNet, view);
            }
            double ns = clock.Elapsed.TotalNanoseconds / pairs;
            if (checksum == long.MinValue) Console.WriteLine("unreachable");
            return ns;
        }

        foreach (bool resize in new[] { false, true })
        {
            var times = samplers.ToDictionary(s => s.Name, _ => new List<double>());
            foreach (var (_, s) in samplers) Measure(s, resize); // warm-up
            for (int round = 0; round < rounds; round++)
                foreach (var (name, s) in samplers) times[name].Add(Measure(s, resize));
            Console.WriteLine(resize ? $"\nper pair: seeded Random + Sample + resize into a {side}x{side} view (x2 views)" : "per pair: seeded Random + Sample (x2 views)");
            double reference = Medians.Of(times["random-resized-crop"]);
            foreach (var (name, list) in times)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-38} {Medians.Of(list),8:F0} ns/pair  {Medians.Of(list) / reference,5:F2}x"));
        }
    }
}
