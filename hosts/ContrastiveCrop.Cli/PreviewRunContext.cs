using ContrastiveCrop.Contracts;
using TorchSharp;

namespace ContrastiveCrop.Cli;

/// <summary>
/// The run context plugins get when nothing is trained (a crop preview): the CPU, the recipe's seed and
/// normalisation, log lines on the console, no metrics file, and a scratch folder deleted afterwards.
/// </summary>
internal sealed class PreviewRunContext : IRunContext, IDisposable
{
    public PreviewRunContext(long seed, Normalization normalization)
    {
        Seed = seed;
        InputNormalization = normalization;
        RunDirectory = Directory.CreateTempSubdirectory("ccrop-preview-").FullName;
    }

    public string RunDirectory { get; }
    public torch.Device Device => torch.CPU;
    public long Seed { get; }
    public Normalization InputNormalization { get; }
    public CancellationToken Cancellation => CancellationToken.None;

    // A preview has no metrics to keep.
    public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) { }

    public void Log(string message) => Console.Error.WriteLine(message);

    public void Dispose() => Directory.Delete(RunDirectory, recursive: true);
}
