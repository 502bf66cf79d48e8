using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>The host's <see cref="IRunContext"/>: a run directory, its metrics file and log, a device.</summary>
public sealed class RunContext : IRunContext, IServiceProvider, IDisposable
{
    private readonly MetricsWriter _metrics;
    private readonly StreamWriter _log;
    private readonly Action<string> _console;
    private readonly Lock _gate = new();
    private readonly IProgressReporter? _progress;

    /// <summary>Opens the metrics file and log of <paramref name="directory"/>.</summary>
    /// <param name="directory">The run's folder.</param>
    /// <param name="device">Where tensors live.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="console">Where user-facing lines go besides the log file.</param>
    /// <param name="cancellation">Set when the user interrupts the run.</param>
    /// <param name="inputNormalization">How images are normalised for the backbone; ImageNet statistics when null.</param>
    /// <param name="progress">The host's live progress display, offered to every stage's loop; null for none.</param>
    public RunContext(RunDirectory directory, torch.Device device, long seed, Action<string> console, CancellationToken cancellation,
                      Normalization? inputNormalization = null, IProgressReporter? progress = null)
    {
        _progress = progress;
        InputNormalization = inputNormalization ?? Normalization.ImageNet;
        Directory = directory;
        Device = device;
        Seed = seed;
        Cancellation = cancellation;
        _console = console;
        _metrics = new MetricsWriter(directory.MetricsFile);
        _log = new StreamWriter(new FileStream(directory.LogFile, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>The run's folder.</summary>
    public RunDirectory Directory { get; }

    /// <inheritdoc />
    public string RunDirectory => Directory.Path;
    /// <inheritdoc />
    public torch.Device Device { get; }
    /// <inheritdoc />
    public long Seed { get; }
    /// <inheritdoc />
    public CancellationToken Cancellation { get; }
    /// <inheritdoc />
    public Normalization InputNormalization { get; }

    /// <inheritdoc />
    public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values) => _metrics.Write(stage, step, values);

    /// <inheritdoc />
    public void Log(string message)
    {
        lock (_gate) _log.WriteLine($"{DateTime.UtcNow:O} {message}");
        _console(message);
    }

    /// <summary>The services a run offers plugins beside the contract: the progress display (<see cref="RunServices"/>).</summary>
    public object? GetService(Type serviceType) => serviceType == typeof(IProgressReporter) ? _progress : null;

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _log.Dispose();
    }
}
