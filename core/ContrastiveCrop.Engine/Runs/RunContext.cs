using ContrastiveCrop.Contracts;
using TorchSharp;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>The host's <see cref="IRunContext"/>: a run directory, its metrics file and log, a device.</summary>
public sealed class RunContext : IRunContext, IDisposable
{
    private readonly MetricsWriter _metrics;
    private readonly TensorBoardEventFile _events;
    private readonly StreamWriter _log;
    private readonly Action<string> _console;
    private readonly Lock _gate = new();

    /// <summary>Opens the metrics file and log of <paramref name="directory"/>.</summary>
    /// <param name="directory">The run's folder.</param>
    /// <param name="device">Where tensors live.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="console">Where user-facing lines go besides the log file.</param>
    /// <param name="cancellation">Set when the user interrupts the run.</param>
    /// <param name="inputNormalization">How images are normalised for the backbone; ImageNet statistics when null.</param>
    public RunContext(RunDirectory directory, torch.Device device, long seed, Action<string> console, CancellationToken cancellation,
                      Normalization? inputNormalization = null)
    {
        InputNormalization = inputNormalization ?? Normalization.ImageNet;
        Directory = directory;
        Device = device;
        Seed = seed;
        Cancellation = cancellation;
        _console = console;
        _metrics = new MetricsWriter(directory.MetricsFile);
        _events = new TensorBoardEventFile(directory.TensorBoardDirectory);
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
    public void LogMetrics(string stage, long step, IReadOnlyDictionary<string, double> values)
    {
        _metrics.Write(stage, step, values);
        _events.AddScalars(stage, step, values, DateTimeOffset.UtcNow);
    }

    /// <inheritdoc />
    public void Log(string message)
    {
        lock (_gate) _log.WriteLine($"{DateTime.UtcNow:O} {message}");
        _console(message);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _events.Dispose();
        _log.Dispose();
    }
}
