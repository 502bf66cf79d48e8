using ContrastiveCrop.Sdk.Training;
using Spectre.Console;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>
/// The live console: on a terminal, a Spectre.Console progress bar with ETA, loss, learning rate and
/// throughput; when output is redirected (logs, CI, tests), plain lines only. A pass started while a stage's
/// bar is showing (a box update or a test pass inside training) gets its own bar below it until it stops.
/// </summary>
internal sealed class ConsoleReporter : IProgressReporter, IDisposable
{
    private readonly IAnsiConsole? _terminal;
    private readonly Lock _gate = new();
    private ProgressTask? _task;
    private ProgressContext? _context;
    private readonly Stack<ProgressTask> _outer = new();
    private Task? _display;
    private TaskCompletionSource? _stopped;

    private ConsoleReporter(IAnsiConsole? terminal) => _terminal = terminal;

    /// <summary>A live display on an interactive terminal, plain lines otherwise (or when CCROP_PLAIN is set).</summary>
    public static ConsoleReporter Create() =>
        new(!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CCROP_PLAIN") is null ? AnsiConsole.Console : null);

    /// <summary>Writes one log line above the progress bar (or plainly).</summary>
    public void Log(string message)
    {
        if (_terminal is null) Console.WriteLine(message);
        else lock (_gate) _terminal.MarkupLine(Markup.Escape(message));
    }

    /// <inheritdoc />
    public void Started(string label, long done, long total)
    {
        if (_terminal is null) return;
        lock (_gate)
        {
            if (_context is not null && _task is not null)
            {
                // Nested: the running bar stays; the new one takes the updates until it stops.
                _outer.Push(_task);
                _task = _context.AddTask(Markup.Escape(label), maxValue: total);
                _task.Value = done;
                return;
            }
        }
        var ready = new TaskCompletionSource();
        _stopped = new TaskCompletionSource();
        _display = Task.Run(() => _terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                _context = progress;
                _task = progress.AddTask(Markup.Escape(label), maxValue: total);
                _task.Value = done;
                ready.SetResult();
                await _stopped.Task;
                progress.Refresh();
            }));
        ready.Task.Wait();
    }

    public void Advanced(long done, string status)
    {
        lock (_gate)
        {
            if (_task is null) return;
            _task.Value = done;
            _task.Description = Markup.Escape(status);
        }
    }

    public void Line(string text) => Log(text);

    public void Stopped()
    {
        lock (_gate)
        {
            if (_outer.Count > 0)
            {
                _task?.StopTask();
                _task = _outer.Pop();
                return;
            }
        }
        _stopped?.TrySetResult();
        _display?.Wait();
        (_task, _context, _display, _stopped) = (null, null, null, null);
    }

    public void Dispose() => Stopped();
}
