using TorchSharp;

namespace ContrastiveCrop.Engine.Runtime;

/// <summary>Turns the recipe's <c>device: auto | cpu | cuda[:N]</c> into a TorchSharp device.</summary>
public static class DeviceSelector
{
    /// <summary>
    /// <c>auto</c> picks CUDA when TorchSharp sees a GPU, else CPU; <c>cuda</c> where there is none is
    /// an error that says so. <paramref name="where"/> names the recipe key for messages.
    /// </summary>
    public static torch.Device Select(string requested, string where, Func<bool>? cudaAvailable = null)
    {
        cudaAvailable ??= torch.cuda.is_available;
        var text = requested.Trim().ToLowerInvariant();
        if (text == "auto") return cudaAvailable() ? torch.CUDA : torch.CPU;
        if (text == "cpu") return torch.CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cudaAvailable())
                throw new ArgumentException(
                    $"{where}: device '{requested}' was asked for, but no CUDA device is available to TorchSharp " +
                    "(this build uses the CPU libtorch unless built with -p:TorchBackend=cuda, and the machine needs an NVIDIA GPU and driver). " +
                    "Use 'device: cpu' or 'device: auto'.");
            return text == "cuda" ? torch.CUDA : new torch.Device(text);
        }
        throw new ArgumentException($"{where}: device '{requested}' is not one of auto, cpu, cuda, cuda:N.");
    }
}
