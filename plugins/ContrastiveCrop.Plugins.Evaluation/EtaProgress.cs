using System.Diagnostics;
using System.Globalization;

namespace ContrastiveCrop.Plugins.Evaluation;

/// <summary>
/// Progress of a long evaluation step as log lines with the remaining time estimated from the rate
/// so far: at most one line per <see cref="Interval"/>, and none for work that finishes within it
/// (the kNN monitor runs every epoch; its short passes should not fill the log).
/// </summary>
/// <param name="log">Where lines go (the run's console and log).</param>
/// <param name="task">What is being done, e.g. "linear probe: features of shapes/train".</param>
/// <param name="total">Units of work (images, epochs).</param>
/// <param name="unit">The unit's name, plural.</param>
/// <param name="clock">Elapsed time source; a running stopwatch by default (tests pass their own).</param>
public sealed class EtaProgress(Action<string> log, string task, long total, string unit, Func<TimeSpan>? clock = null)
{
    /// <summary>The shortest time between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Func<TimeSpan> _elapsed = clock ?? StartClock();
    private TimeSpan _lastLine = TimeSpan.Zero;
    private bool _logged;

    private static Func<TimeSpan> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }

    /// <summary>Reports that <paramref name="done"/> of the units are finished.</summary>
    public void Report(long done)
    {
        var elapsed = _elapsed();
        bool finished = done >= total;
        if (finished ? !_logged : elapsed - _lastLine < Interval) return;
        _lastLine = elapsed;
        _logged = true;
        log(Line(done, elapsed));
    }

    /// <summary>The line for <paramref name="done"/> units after <paramref name="elapsed"/>.</summary>
    public string Line(long done, TimeSpan elapsed)
    {
        double fraction = total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
        var text = string.Create(CultureInfo.InvariantCulture, $"{task}: {done}/{total} {unit} ({fraction * 100:F0}%), elapsed {Clock(elapsed)}");
        if (done >= total) return text + ", done";
        if (done <= 0) return text;
        var remaining = TimeSpan.FromSeconds(elapsed.TotalSeconds * (total - done) / done);
        return text + $", eta {Clock(remaining)}";
    }

    private static string Clock(TimeSpan t) => t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"mm\:ss", CultureInfo.InvariantCulture);
}
