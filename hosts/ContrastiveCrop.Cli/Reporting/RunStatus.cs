using System.Diagnostics;
using System.Text.Json;

namespace ContrastiveCrop.Cli.Reporting;

/// <summary>What became of a run: the manifest's word, corrected for processes that died without writing it.</summary>
internal enum RunState
{
    /// <summary>Its process is still working on it.</summary>
    Running,
    /// <summary>It wrote its results.</summary>
    Finished,
    /// <summary>It stopped with an error (the manifest has the message).</summary>
    Failed,
    /// <summary>Stopped by the user, or its process is gone while the manifest still says running (killed, power loss).</summary>
    Interrupted,
    /// <summary>No readable manifest.</summary>
    Unknown,
}

/// <summary>Decides a run folder's <see cref="RunState"/>.</summary>
internal static class RunStatus
{
    /// <summary>How runs from before "interrupted" was recorded wrote a Ctrl-C: the OperationCanceledException's message.</summary>
    private const string CancelledStatus = "failed: The operation was canceled.";

    /// <summary>The state of <paramref name="run"/>; <paramref name="isAlive"/> answers whether (machine, pid, started) is still that process.</summary>
    public static RunState Of(RunFolder run, Func<string, int, DateTime, bool>? isAlive = null)
    {
        isAlive ??= ProcessIsAlive;
        if (run.Status is not { } status) return RunState.Unknown;
        if (status == "finished") return RunState.Finished;
        if (status.StartsWith("interrupted", StringComparison.Ordinal) || status == CancelledStatus) return RunState.Interrupted;
        if (status.StartsWith("failed", StringComparison.Ordinal)) return RunState.Failed;
        if (!status.StartsWith("running", StringComparison.Ordinal)) return RunState.Unknown;
        var (machine, pid) = Writer(run);
        // Manifests from before the process id was recorded, or from another machine: trust them.
        if (pid is null || machine is null || run.StartUtc is not { } start) return RunState.Running;
        return isAlive(machine, pid.Value, start) ? RunState.Running : RunState.Interrupted;
    }

    private static (string? Machine, int? Pid) Writer(RunFolder run)
    {
        if (run.ManifestText is null) return (null, null);
        using var manifest = JsonDocument.Parse(run.ManifestText);
        var root = manifest.RootElement;
        int? pid = root.TryGetProperty("process_id", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;
        string? machine = root.TryGetProperty("machine_name", out var m) ? m.GetString() : null;
        return (machine, pid);
    }

    /// <summary>
    /// True when process <paramref name="pid"/> on this machine exists and started no later than the
    /// run (a younger process has reused the id). Another machine's process cannot be checked: alive.
    /// </summary>
    public static bool ProcessIsAlive(string machine, int pid, DateTime runStartUtc)
    {
        if (!string.Equals(machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return false;
            // Process start times come from /proc with jiffy resolution: allow a second of slack.
            return process.StartTime.ToUniversalTime() <= runStartUtc.AddSeconds(1);
        }
        catch (ArgumentException)
        {
            return false;  // no such process
        }
        catch (InvalidOperationException)
        {
            return false;  // exited between the lookup and the question
        }
    }

    /// <summary>The word shown for <paramref name="state"/>.</summary>
    public static string Word(RunState state) => state.ToString().ToLowerInvariant();
}
