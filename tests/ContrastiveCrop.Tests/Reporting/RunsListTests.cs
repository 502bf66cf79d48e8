using System.Diagnostics;
using System.Globalization;
using ContrastiveCrop.Cli.Reporting;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Reporting;

/// <summary>ccrop runs list: status from the manifest, corrected by whether the writing process is alive.</summary>
[TestFixture]
public sealed class RunsListTests
{
    private static void Run(string root, string name, string status, DateTime start, int? pid = null, string? machine = null,
                            string metrics = "", string results = "")
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        var writer = pid is null ? "" : $", \"process_id\": {pid}, \"machine_name\": \"{machine ?? Environment.MachineName}\"";
        File.WriteAllText(Path.Combine(folder, "manifest.json"),
            $"{{\"seed\": 0, \"start_utc\": \"{start.ToString("O", CultureInfo.InvariantCulture)}\", \"status\": \"{status}\"{writer}}}");
        File.WriteAllText(Path.Combine(folder, "metrics.jsonl"), metrics);
        if (results != "") File.WriteAllText(Path.Combine(folder, "results.md"), "| stage | metric | value |\n|---|---|---|\n" + results);
    }

    private static string Epochs(int count) => string.Concat(Enumerable.Range(1, count).Select(e =>
        $"{{\"stage\":\"pretrain/epoch\",\"step\":{e * 10},\"values\":{{\"epoch\":{e},\"loss\":1.0}}}}\n"));

    private static int ExitedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Test]
    public void Each_run_gets_its_status_last_epoch_start_and_main_metrics()
    {
        var root = TestFolders.NewTemp("runs");
        var t0 = new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc);
        Run(root, "a-finished", "finished", t0, metrics: Epochs(3),
            results: "| pretrain | final_loss | 2 |\n| knn | top1 | 41.5 |\n| linear-probe | top1 | 50.25 |\n| faster-rcnn-c4 | AP50 | 7.9 |\n| faster-rcnn-c4 | AP50/disc | 9 |\n");
        Run(root, "b-failed", "failed: pretrain.lr: NaN", t0.AddMinutes(1), metrics: Epochs(1));
        Run(root, "c-killed", "running", t0.AddMinutes(2), pid: ExitedProcessId(), metrics: Epochs(2));
        Run(root, "d-ctrl-c", "failed: The operation was canceled.", t0.AddMinutes(3));
        // This test process started before "now", so a run it started now is alive.
        Run(root, "e-alive", "running", DateTime.UtcNow, pid: Environment.ProcessId,
            metrics: Epochs(1) + "{\"stage\":\"monitor/knn\",\"step\":10,\"values\":{\"epoch\":1,\"top1\":12.5}}\n");
        Run(root, "f-other-machine", "running", DateTime.UtcNow.AddMinutes(1), pid: 1, machine: "elsewhere-" + Guid.NewGuid());
        Directory.CreateDirectory(Path.Combine(root, "not-a-run"));

        var entries = RunsListing.List(root);

        Assert.That(entries.Select(e => (e.Folder, e.State, e.LastEpoch)), Is.EqualTo(new (string, RunState, int?)[]
        {
            ("a-finished", RunState.Finished, 3), ("b-failed", RunState.Failed, 1), ("c-killed", RunState.Interrupted, 2),
            ("d-ctrl-c", RunState.Interrupted, null), ("e-alive", RunState.Running, 1), ("f-other-machine", RunState.Running, null),
        }));
        Assert.That(entries[0].Metrics, Is.EqualTo("knn top1 41.5, linear-probe top1 50.25, faster-rcnn-c4 AP50 7.9"));
        Assert.That(entries[4].Metrics, Is.EqualTo("monitor/knn top1 12.5"));
        Assert.That(entries[0].StartUtc, Is.EqualTo(t0));
    }

    [Test]
    public void A_running_manifest_whose_process_id_was_reused_by_a_younger_process_counts_as_interrupted()
    {
        // Our own process is alive but started after this (pretend) run began: it cannot be the run's process.
        var start = Process.GetCurrentProcess().StartTime.ToUniversalTime().AddMinutes(-5);
        Assert.That(RunStatus.ProcessIsAlive(Environment.MachineName, Environment.ProcessId, start), Is.False);
        Assert.That(RunStatus.ProcessIsAlive(Environment.MachineName, Environment.ProcessId, DateTime.UtcNow), Is.True);
    }

    [Test]
    public void The_command_prints_a_table_and_a_missing_folder_is_a_user_error()
    {
        var root = TestFolders.NewTemp("runs");
        Run(root, "only", "finished", new DateTime(2026, 2, 3, 4, 5, 0, DateTimeKind.Utc), metrics: Epochs(2), results: "| knn | top1 | 33 |\n");

        var listed = Ccrop.Invoke("runs", "list", root);
        var missing = Ccrop.Invoke("runs", "list", Path.Combine(root, "nope"));

        Assert.That(listed.ExitCode, Is.EqualTo(0), listed.Error);
        var lines = listed.Out.TrimEnd().Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.That(lines, Is.EqualTo(new[]
        {
            "run   status    epoch  started (UTC)     main metrics",
            "only  finished  2      2026-02-03 04:05  knn top1 33",
        }));
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        Assert.That(missing.Error, Does.Contain(Path.Combine(root, "nope")).And.Contain("does not exist"));
    }
}
