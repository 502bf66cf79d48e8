using TorchSharp;

namespace ContrastiveCrop.Engine.Runtime;

/// <summary>Turns the recipe's <c>device: auto | cpu | cuda[:N]</c> into a TorchSharp device.</summary>
public static class DeviceSelector
{
    /// <summary>The device <see cref="Resolve"/> chose, as a TorchSharp device.</summary>
    public static torch.Device Select(string requested, string where) =>
        new(Resolve(requested, where, torch.cuda.is_available));

    /// <summary>
    /// Resolves the request to <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. <c>auto</c> picks CUDA when a
    /// GPU is available, else CPU; <c>cuda</c> where there is none is an error that says so.
    /// <paramref name="where"/> names the recipe key for messages.
    /// </summary>
    public static string Resolve(string requested, string where, Func<bool> cudaAvailable)
    {
        var text = requested.Trim().ToLowerInvariant();
        if (text == "auto") return cudaAvailable() ? "cuda" : "cpu";
        if (text == "cpu") return "cpu";
        bool indexed = text.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(5), out int index) && index >= 0;
        if (text == "cuda" || indexed)
        {
            if (!cudaAvailable())
                throw new ArgumentException(
                    $"{where}: device '{requested}' was asked for, but no CUDA device is available to TorchSharp " +
                    "(this build uses the CPU libtorch unless built with -p:TorchBackend=cuda, and the machine needs an NVIDIA GPU and driver). " +
                    "Use 'device: cpu' or 'device: auto'.");
            return text;
        }
        throw new ArgumentException($"{where}: device '{requested}' is not one of auto, cpu, cuda, cuda:N.");
    }
}
