using ContrastiveCrop.Sdk.Training;
using Spectre.Console;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>
/// The live console: on a terminal, a Spectre.Console progress bar with ETA, loss, learning rate and
/// throughput; when output is redirected (logs, CI, tests), plain lines only.
/// </summary>
internal sealed class ConsoleReporter : IProgressReporter, IDisposable
{
    private readonly IAnsiConsole? terminal;
    private readonly Lock gate = new();
    private ProgressTask? task;
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
        var ready = new TaskCompletionSource();
        stopped = new TaskCompletionSource();
        display = Task.Run(() => terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                     new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                task = context.AddTask(Markup.Escape(label), maxValue: total);
                task.Value = done;
                ready.SetResult();
                await stopped.Task;
                context.Refresh();
            }));
        ready.Task.Wait();
    }

    /// <inheritdoc />
    public void Advanced(long done, string status)
    {
        if (task is null) return;
        task.Value = done;
        task.Description = Markup.Escape(status);
    }

    /// <inheritdoc />
    public void Line(string text) => Log(text);

    /// <inheritdoc />
    public void Stopped()
    {
        stopped?.TrySetResult();
        display?.Wait();
        (task, display, stopped) = (null, null, null);
    }

    /// <inheritdoc />
    public void Dispose() => Stopped();
}
