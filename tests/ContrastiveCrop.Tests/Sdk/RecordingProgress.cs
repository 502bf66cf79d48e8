

namespace ContrastiveCrop.Tests.Sdk;

/// <summary>A progress display that records every call as text: "start label done/total", "advance done", "stop".</summary>
internal sealed class RecordingProgress : IProgressReporter
{
    public List<string> Calls { get; } = [];

    public void Started(string label, long done, long total) => Calls.Add($"start {label} {done}/{total}");

    public void Advanced(long done, string status) => Calls.Add($"advance {done}");

    public void Line(string text) { }

    public void Stopped() => Calls.Add("stop");
}
