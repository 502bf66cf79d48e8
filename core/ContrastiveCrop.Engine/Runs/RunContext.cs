using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk.Distributed;
using ContrastiveCrop.Sdk.Training;
using TorchSharp;

namespace ContrastiveCrop.Engine.Runs;

/// <summary>
/// The host's <see cref="IRunContext"/>: a run directory, its metrics file and log, a device, and the data-parallel
/// job's process group. In a job of several processes only rank 0 writes metrics and the log; the other ranks
/// compute the same stages silently.
/// </summary>
public sealed class RunContext : IRunContext, IServiceProvider, IDisposable
{
    private readonly MetricsWriter _metrics;
    private TensorBoardEventFile? _events;
    private readonly StreamWriter _log;
    private readonly Action<string> _console;
    private readonly Lock _gate = new();
    private readonly IProgressReporter? _progress;
    private readonly IProcessGroup _group;

    /// <summary>Opens the metrics file and log of <paramref name="directory"/>.</summary>
    /// <param name="directory">The run's folder.</param>
    /// <param name="device">Where tensors live.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="console">Where user-facing lines go besides the log file.</param>
    /// <param name="cancellation">Set when the user interrupts the run.</param>
    /// <param name="inputNormalization">How images are normalised for the backbone; ImageNet statistics when null.</param>
    /// <param name="progress">The host's live progress display, offered to every stage's loop; null for none.</param>
    /// <param name="group">The data-parallel job; null for a run in one process.</param>
    /// <param name="resume">
    /// The run continues from a checkpoint: metrics it logs again for steps the folder already has replace those
    /// records instead of repeating them (<see cref="MetricsWriter"/>), and TensorBoard's events follow.
    /// </param>
    public RunContext(RunDirectory directory, torch.Device device, long seed, Action<string> console, CancellationToken cancellation,
                      Normalization? inputNormalization = null, IProgressReporter? progress = null, IProcessGroup? group = null, bool resume = false)
    {
        _group = group ?? SingleProcessGroup.Instance;
        _progress = _group.Rank == 0 ? progress : null;
        InputNormalization = inputNormalization ?? Normalization.ImageNet;
        Directory = directory;
        Device = device;
        Seed = seed;
        Cancellation = cancellation;
        _console = console;
        // Other ranks write nothing: their metrics and log lines would repeat rank 0's.
        _metrics = new MetricsWriter(_group.Rank == 0 ? directory.MetricsFile : null, resume);
        _events = _group.Rank == 0 ? new TensorBoardEventFile(directory.TensorBoardDirectory) : null;
        _log = _group.Rank == 0
            ? new StreamWriter(new FileStream(directory.LogFile, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true }
            : StreamWriter.Null;
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
        lock (_gate)
        {
            if (_metrics.Write(stage, step, values) && _events is not null)
                _events = TensorBoardReplay.Rebuild(_events, Directory.TensorBoardDirectory, _metrics.Lines());
            else
                _events?.AddScalars(stage, step, values, DateTimeOffset.UtcNow);
        }
    }

    /// <inheritdoc />
    public void Log(string message)
    {
        if (_group.Rank != 0) return;
        lock (_gate) _log.WriteLine($"{DateTime.UtcNow:O} {message}");
        _console(message);
    }

    /// <summary>The services a run offers plugins beside the contract: the progress display and the process group (<see cref="RunServices"/>).</summary>
    public object? GetService(Type serviceType) =>
        serviceType == typeof(IProgressReporter) ? _progress : serviceType == typeof(IProcessGroup) ? _group : null;

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _events?.Dispose();
        _log.Dispose();
    }
}
