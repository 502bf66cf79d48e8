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
    private readonly IAnsiConsole? terminal;
    private readonly Lock gate = new();
    private ProgressTask? task;
    private ProgressContext? context;
    private readonly Stack<ProgressTask> outer = new();
    private Task? display;
    private TaskCompletionSource? stopped;

    private ConsoleReporter(IAnsiConsole? terminal) => this.terminal = terminal;

    /// <summary>A live display on an interactive terminal, plain lines otherwise (or when CCROP_PLAIN is set).</summary>
    public static ConsoleReporter Create() =>
        new(!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CCROP_PLAIN") is null ? AnsiConsole.Console : null);

    /// <summary>Writes one log line above the progress bar (or plainly).</summary>
    public void Log(string message)
    {
        if (terminal is null) Console.WriteLine(message);
        else lock (gate) terminal.MarkupLine(Markup.Escape(message));
    }

    /// <inheritdoc />
    public void Started(string label, long done, long total)
    {
        if (terminal is null) return;
        lock (gate)
        {
            if (context is not null && task is not null)
            {
                // Nested: the running bar stays; the new one takes the updates until it stops.
                outer.Push(task);
                task = context.AddTask(Markup.Escape(label), maxValue: total);
                task.Value = done;
                return;
            }
        }
        var ready = new TaskCompletionSource();
        stopped = new TaskCompletionSource();
        display = Task.Run(() => terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                context = progress;
                task = progress.AddTask(Markup.Escape(label), maxValue: total);
                task.Value = done;
                ready.SetResult();
                await stopped.Task;
                progress.Refresh();
            }));
        ready.Task.Wait();
    }

    public void Advanced(long done, string status)
    {
        lock (gate)
        {
            if (task is null) return;
            task.Value = done;
            task.Description = Markup.Escape(status);
        }
    }

    public void Line(string text) => Log(text);

    public void Stopped()
    {
        lock (gate)
        {
            if (outer.Count > 0)
            {
                task?.StopTask();
                task = outer.Pop();
                return;
            }
        }
        stopped?.TrySetResult();
        display?.Wait();
        (task, context, display, stopped) = (null, null, null, null);
    }

    public void Dispose() => Stopped();
}
