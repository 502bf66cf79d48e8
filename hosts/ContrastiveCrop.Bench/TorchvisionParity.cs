using System.Diagnostics;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Imaging;

/// <summary>
/// Writes an image, our resized crops and our colour/blur ops on them to a file, then lets
/// bench/torchvision_parity.py recompute them with torchvision (tensor and PIL paths) and print the
/// largest differences. Developer tooling: Python is never needed by the product or its tests.
/// </summary>
internal static class TorchvisionParity
{
    public static int Run(string python)
    {
        const int H = 60, W = 80;
        var random = new Random(3);
        var pixels = new byte[H * W * 3];
        for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
        for (int c = 0; c < 3; c++)
            pixels[(y * W + x) * 3 + c] = (byte)Math.Clamp(128 + 90 * Math.Sin(x * 0.21 + c) * Math.Cos(y * 0.17) + random.Next(-30, 30), 0, 255);
        var image = new RgbImage(H, W, pixels);
        // (top, left, height, width, size): shrink, enlarge, odd shrink.
        int[][] crops = [[5, 7, 40, 50, 32], [0, 0, 60, 80, 224], [10, 3, 37, 41, 16]];
        var path = Path.Combine(Path.GetTempPath(), "ccrop-parity.bin");
        using (var file = new BinaryWriter(File.Create(path)))
        {
            file.Write(pixels);
            foreach (var c in crops)
            {
                int size = c[4], plane = size * size;
                var view = new float[3 * plane];
                ResizedCrop.Write(image, new CropBox(c[0], c[1], c[2], c[3]), size, false, view);
                Write(file, view);
                // Each op on a copy of the resized view.
                foreach (Action<float[]> op in new Action<float[]>[]
                         {
                             v => ColorAdjust.Brightness(v, 1.3f),
                             v => ColorAdjust.Contrast(v, plane, 0.7f),
                             v => ColorAdjust.Saturation(v, plane, 1.4f),
                             v => ColorAdjust.Hue(v, plane, 0.08f),
                             v => Grayscale.Apply(v, plane),
                             v => GaussianBlur.Apply(v, size, size, 3, 0.8),
                         })
                {
                    var copy = (float[])view.Clone();
                    op(copy);
                    Write(file, copy);
                }
            }
        }
        var script = Path.Combine(AppContext.BaseDirectory, "torchvision_parity.py");
        using var process = Process.Start(new ProcessStartInfo(python, [script, path]))!;
        process.WaitForExit();
        return process.ExitCode;
    }

    private static void Write(BinaryWriter file, float[] values)
    {
        foreach (var v in values) file.Write(v);
    }
}
