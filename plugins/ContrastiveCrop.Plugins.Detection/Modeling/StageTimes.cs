using System.Diagnostics;

namespace ContrastiveCrop.Plugins.Detection.Modeling;

/// <summary>Accumulated wall time per model stage (backbone, rpn, roi_heads, loss/backward), for benchmarks and logs.</summary>
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
        _seconds[stage] = _seconds.GetValueOrDefault(stage) + watch.Elapsed.TotalSeconds;
        return result;
    }

    /// <summary>Forgets everything measured.</summary>
    public void Clear() => _seconds.Clear();
}
