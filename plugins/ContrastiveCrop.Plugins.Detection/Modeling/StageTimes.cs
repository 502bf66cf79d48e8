using System.Diagnostics;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>
/// Accumulated wall time per stage, for benchmarks and logs: <c>data</c>, <c>backbone</c>, <c>rpn</c>,
/// <c>roi_heads</c>, and <c>iteration</c> (all of a training step, measured by a hook on the loop); <c>rpn_loss</c> and
/// <c>roi_loss</c> (target assignment, sampling and loss formulas) are parts of <c>rpn</c> and <c>roi_heads</c>.
/// </summary>
internal sealed class StageTimes
{
    private readonly Dictionary<string, double> _seconds = [];

    /// <summary>Seconds spent per stage so far.</summary>
    public IReadOnlyDictionary<string, double> Seconds => _seconds;

    /// <summary>Runs <paramref name="work"/> and adds its duration to <paramref name="stage"/>.</summary>
    public T Measure<T>(string stage, Func<T> work)
    {
        var watch = Stopwatch.StartNew();
        var result = work();
        Add(stage, watch.Elapsed.TotalSeconds);
        return result;
    }

    /// <summary>Adds <paramref name="seconds"/> to <paramref name="stage"/>.</summary>
    public void Add(string stage, double seconds) => _seconds[stage] = _seconds.GetValueOrDefault(stage) + seconds;

    /// <summary>Runs <paramref name="work"/>, timed as <paramref name="stage"/> when there is a <paramref name="timer"/>.</summary>
    public static T Measure<T>(StageTimes? timer, string stage, Func<T> work) => timer is null ? work() : timer.Measure(stage, work);

    /// <summary>Forgets everything measured.</summary>
    public void Clear() => _seconds.Clear();
}
