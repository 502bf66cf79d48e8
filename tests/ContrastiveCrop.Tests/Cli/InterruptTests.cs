using System.Diagnostics;
using System.Text.Json;
using ContrastiveCrop.Engine.Runs;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM sent to a ccrop process: the run stops after the current step, keeps its last
/// checkpoint, records "interrupted" and exits 130; resumed, it logs every step once, as an uninterrupted run does.
/// </summary>
[TestFixture]
public sealed class InterruptTests
{
    /// <summary>
    /// Long enough that a signal sent after the first checkpoint arrives mid-run. <paramref name="batchSize"/> 16 gives 3 steps an
    /// epoch; the resume test uses 4 (12 steps an epoch), so the stop, one step after the signal, lands past the epoch's
    /// checkpoint rather than on it (with 3 steps an epoch it sometimes stopped exactly at an epoch end, leaving no step to replay).
    /// </summary>
    private static string Recipe(int epochs, int batchSize = 16) =>
        TinyRecipe.Text().Replace("  epochs: 2\n", $"  epochs: {epochs}\n").Replace("  batch_size: 16\n", $"  batch_size: {batchSize}\n")
            .Replace("  log_every: 1\n", "  log_every: 1\n  checkpoint_every: 1\n");

    [TestCase("INT")]
    [TestCase("TERM")]
    public void A_signal_stops_the_run_with_its_checkpoint_kept_records_it_as_interrupted_and_exits_130(string signal)
    {
        if (signal == "INT" && SigIntIgnored())
            Assert.Ignore("SIGINT is ignored by this test process (started as a background job), so the ccrop child inherits that and rightly ignores Ctrl+C; run the tests in the foreground to check SIGINT.");
        var recipe = new TinyRecipe();
        var path = recipe.Write(Recipe(400));

        var (outcome, run) = Interrupted(recipe, path, signal);

        Assert.That(outcome.ExitCode, Is.EqualTo(130), outcome.Error);
        var errors = outcome.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error:")).ToList();
        var last = Path.Combine(run, "checkpoints", "last.pt");
        Assert.That(errors, Is.EqualTo(new[] { $"error: interrupted; the last checkpoint '{last}' is kept. Continue with: ccrop run --resume '{run}'" }));
        Assert.That(outcome.Error, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Status(run), Is.EqualTo("interrupted"));
        Assert.That(CheckpointFile.Load(last).Info.CompletedEpochs, Is.InRange(1, 399), "a whole checkpoint of an epoch before the end");
        Assert.That(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories), Is.Empty);

        var listing = recipe.Invoke("runs", "list", recipe.Runs);
        Assert.That(listing.ExitCode, Is.EqualTo(0), listing.Error);
        Assert.That(listing.Out.Split('\n').Single(l => l.Contains(Path.GetFileName(run))), Does.Contain("interrupted"));
    }

    [Test]
    public void A_run_interrupted_and_resumed_logs_each_step_once_with_the_losses_of_an_uninterrupted_run()
    {
        const int epochs = 10, batchSize = 4;
        var reference = new TinyRecipe();
        var full = Child(reference, "run", reference.Write(Recipe(epochs, batchSize)));
        Assert.That(full.ExitCode, Is.EqualTo(0), full.Error);
        var uninterrupted = Directory.GetDirectories(reference.Runs).Single();

        var recipe = new TinyRecipe();
        // SIGTERM: a background job (CI, nohup) inherits SIGINT ignored, never SIGTERM.
        var (stopped, run) = Interrupted(recipe, recipe.Write(Recipe(epochs, batchSize)), "TERM");
        Assert.That(stopped.ExitCode, Is.EqualTo(130), stopped.Error);
        long checkpointStep = CheckpointFile.Load(Path.Combine(run, "checkpoints", "last.pt")).Info.Step;
        Assert.That(Records(run).Count(r => r.Stage == "pretrain/step" && r.Step > checkpointStep), Is.GreaterThan(0),
            "the killed run logged steps after its checkpoint, which the resumed run repeats");

        var resumed = Child(recipe, "run", "--resume", run);

        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        var records = Records(run);
        Assert.That(records.Select(r => (r.Stage, r.Step)), Is.Unique);
        var expected = Records(uninterrupted);
        Assert.That(records.Select(r => (r.Stage, r.Step)), Is.EqualTo(expected.Select(r => (r.Stage, r.Step))), "same records, same order");
        Assert.That(records.Where(r => r.Stage == "pretrain/step").Select(r => r.Loss),
                    Is.EqualTo(expected.Where(r => r.Stage == "pretrain/step").Select(r => r.Loss)).Within(1e-6));
        Assert.That(Status(run), Is.EqualTo("finished"));
    }

    /// <summary>
    /// Whether this process ignores SIGINT (bit 1 of /proc/self/status's SigIgn mask): a non-interactive shell starts
    /// background jobs so, children inherit it, and .NET, like other programs, then leaves Ctrl+C ignored.
    /// </summary>
    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << 1)) != 0;
    }

    private static (Ccrop.Outcome Outcome, string Run) Interrupted(TinyRecipe recipe, string path, string signal)
    {
        using var process = Start(recipe, "run", path);
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        string? run = null;
        // Signal once the first checkpoint exists: from then on the run has something to keep.
        while (run is null || !File.Exists(Path.Combine(run, "checkpoints", "last.pt")))
        {
            if (process.HasExited) Assert.Fail($"ccrop ended (exit {process.ExitCode}) before its first checkpoint: {error.Result}");
            if (deadline.Elapsed > TimeSpan.FromMinutes(3)) { process.Kill(); Assert.Fail("no checkpoint within 3 minutes"); }
            run = Directory.Exists(recipe.Runs) ? Directory.GetDirectories(recipe.Runs).SingleOrDefault() : null;
            Thread.Sleep(50);
        }
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-s", signal, process.Id.ToString()]))!) kill.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            Assert.Fail($"ccrop did not stop within 2 minutes of SIG{signal}");
        }
        Assert.That(process.ExitCode, Is.Not.EqualTo(0), $"the run finished before SIG{signal} arrived; make it longer");
        return (new Ccrop.Outcome(process.ExitCode, output.Result, error.Result), run);
    }

    private static Process Start(TinyRecipe recipe, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = recipe.Folder, RedirectStandardError = true, RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ccrop.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["CCROP_PLAIN"] = "1";
        return Process.Start(start)!;
    }

    private static Ccrop.Outcome Child(TinyRecipe recipe, params string[] args)
    {
        using var process = Start(recipe, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new Ccrop.Outcome(process.ExitCode, output.Result, error);
    }

    private static string Status(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "manifest.json"))).RootElement.GetProperty("status").GetString()!;

    private static List<(string Stage, long Step, double Loss)> Records(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => TensorBoardReplay.Parse(l)!.Value)
            .Select(r => (r.Stage, r.Step, r.Values.GetValueOrDefault("loss", double.NaN))).ToList();
}
