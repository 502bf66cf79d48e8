using TorchSharp;

namespace ContrastiveCrop.Engine.Runtime;

/// <summary>Turns the recipe's <c>device: auto | cpu | cuda[:N]</c> into a TorchSharp device.</summary>
public static class DeviceSelector
{
    /// <summary>The device <see cref="Resolve(string, string, Func{int})"/> chose, as a TorchSharp device.</summary>
    /// <exception cref="DeviceException">The request names no device of this machine.</exception>
    public static torch.Device Select(string requested, string where) =>
        new(Resolve(requested, where, CudaDeviceCount));

    /// <summary>The CUDA devices TorchSharp can use (0 without a GPU or with the CPU libtorch).</summary>
    public static int CudaDeviceCount() => torch.cuda.is_available() ? torch.cuda.device_count() : 0;

    /// <summary>
    /// Resolves the request to <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. <c>auto</c> picks CUDA when a
    /// GPU is available, else CPU; <c>cuda</c> where there is none, and <c>cuda:N</c> past the last GPU, are
    /// errors that say so. <paramref name="where"/> names the recipe key for messages.
    /// </summary>
    /// <param name="requested">The recipe's value.</param>
    /// <param name="where">The recipe key (or file:line:column) the messages start with.</param>
    /// <param name="cudaDeviceCount">How many CUDA devices there are; asked only when the request needs to know.</param>
    /// <exception cref="DeviceException">The request names no device of this machine.</exception>
    public static string Resolve(string requested, string where, Func<int> cudaDeviceCount)
    {
        var text = requested.Trim().ToLowerInvariant();
        if (text == "auto") return cudaDeviceCount() > 0 ? "cuda" : "cpu";
        if (text == "cpu") return "cpu";
        int? index = null;
        if (text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            // int.TryParse alone would accept " 1", "+1" and "01"; the device string TorchSharp parses takes digits only.
            var digits = text[5..];
            if (digits.Length == 0 || digits.Length > 4 || !digits.All(char.IsAsciiDigit))
                throw new DeviceException($"{where}: device '{requested}' is not one of auto, cpu, cuda, cuda:N (N a GPU number: 0, 1, ...).");
            index = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (text == "cuda" || index is not null)
        {
            int count = cudaDeviceCount();
            if (count <= 0)
                throw new DeviceException(
                    $"{where}: device '{requested}' was asked for, but no CUDA device is available to TorchSharp " +
                    "(this build uses the CPU libtorch unless built with -p:TorchBackend=cuda, and the machine needs an NVIDIA GPU and driver). " +
                    "Use 'device: cpu' or 'device: auto'.");
            if (index >= count)
                throw new DeviceException(
                    $"{where}: device '{requested}' was asked for, but this machine has {count} CUDA device(s), " +
                    $"{(count == 1 ? "cuda:0" : $"cuda:0 to cuda:{count - 1}")}. Use one of those, 'cuda' (the first) or 'device: auto'.");
            return text;
        }
        // "gpu" and "cuda0" are common slips: say what the GPU is called here.
        var hint = text is "gpu" or "nvidia" || text.StartsWith("cuda", StringComparison.Ordinal) || text.StartsWith("gpu", StringComparison.Ordinal)
            ? " For a GPU write 'cuda' (the first) or 'cuda:N'."
            : "";
        throw new DeviceException($"{where}: device '{requested}' is not one of auto, cpu, cuda, cuda:N.{hint}");
    }
}
