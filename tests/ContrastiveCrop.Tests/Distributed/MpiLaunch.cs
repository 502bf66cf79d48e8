using System.Diagnostics;
using System.Globalization;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Distributed;

/// <summary>Starts the distributed probe program, under <c>mpirun -np N</c> or as one plain process, and reads what its ranks wrote.</summary>
internal static class MpiLaunch
{
    /// <summary>What one launch left behind.</summary>
    public sealed record Outcome(int ExitCode, string Output, TimeSpan Elapsed, string Folder)
    {
        /// <summary>The lines rank <paramref name="rank"/> wrote.</summary>
        public string[] Lines(int rank) => File.ReadAllLines(Path.Combine(Folder, $"rank{rank}.txt"));

        /// <summary>The numbers after <paramref name="key"/> (and an optional " | ") on rank <paramref name="rank"/>'s line starting with it.</summary>
        public double[] Values(int rank, string key)
        {
            var line = Lines(rank).Single(l => l.StartsWith(key + " ", StringComparison.Ordinal));
            var text = line[(key.Length + 1)..];
            if (text.Contains('|')) text = text[(text.IndexOf('|') + 1)..];
            return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        }

        /// <summary>Every <c>param name v…</c> line of rank <paramref name="rank"/>, flattened in order.</summary>
        public double[] Parameters(int rank) =>
            Lines(rank).Where(l => l.StartsWith("param ", StringComparison.Ordinal))
                .SelectMany(l => l.Split(' ').Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture))).ToArray();
    }

    /// <summary>The probe's build output (the test project builds it without referencing it).</summary>
    private static string Probe
    {
        get
        {
            // artifacts/bin/ContrastiveCrop.Tests/<config>/ → artifacts/bin/ContrastiveCrop.DistributedProbe/<config>/
            var testsFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(testsFolder.Parent!.Parent!.FullName, "ContrastiveCrop.DistributedProbe", testsFolder.Name, "ContrastiveCrop.DistributedProbe.dll");
        }
    }

    /// <summary>The path of <c>mpirun</c>, or null.</summary>
    public static string? MpiRun =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>Skips the calling test when Open MPI's launcher is not installed.</summary>
    public static void RequireMpi()
    {
        if (MpiRun is null) Assert.Ignore("mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev); the 2-rank tests need it.");
    }

    /// <summary>The ccrop host's build output.</summary>
    private static string Ccrop
    {
        get
        {
            var testsFolder = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(testsFolder.Parent!.Parent!.FullName, "ContrastiveCrop.Cli", testsFolder.Name, "ccrop.dll");
        }
    }

    /// <summary>
    /// Starts <c>ccrop</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, under mpirun with
    /// <paramref name="ranks"/> processes (1: plain). Returns the process (output redirected) for the caller to wait on or kill.
    /// </summary>
    public static Process StartCcrop(int ranks, string workingDirectory, params string[] arguments)
    {
        var start = ranks == 1
            ? new ProcessStartInfo("dotnet") { ArgumentList = { Ccrop } }
            : new ProcessStartInfo(MpiRun!)
            {
                ArgumentList = { "--allow-run-as-root", "--bind-to", "none", "--mca", "btl", "self,vader", "-np", ranks.ToString(CultureInfo.InvariantCulture), "dotnet", Ccrop },
            };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        return Process.Start(start)!;
    }

    /// <summary>Runs ccrop to the end (at most <paramref name="limit"/>); exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) RunCcrop(int ranks, string workingDirectory, TimeSpan limit, params string[] arguments)
    {
        using var process = StartCcrop(ranks, workingDirectory, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"ccrop {string.Join(' ', arguments)} on {ranks} rank(s) did not finish within {limit.TotalSeconds} s.");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs the probe with <paramref name="ranks"/> processes (1: without mpirun) and waits at most <paramref name="limit"/>.</summary>
    public static Outcome Run(int ranks, TimeSpan limit, params string[] probeArguments)
    {
        var folder = TestFolders.NewTemp("mpi");
        var start = ranks == 1
            ? new ProcessStartInfo("dotnet") { ArgumentList = { Probe } }
            : new ProcessStartInfo(MpiRun!)
            {
                // --bind-to none: two ranks on two cores must not be pinned to one; vader: shared memory on one machine.
                ArgumentList = { "--allow-run-as-root", "--bind-to", "none", "--mca", "btl", "self,vader", "-np", ranks.ToString(CultureInfo.InvariantCulture), "dotnet", Probe },
            };
        start.ArgumentList.Add(probeArguments[0]);
        start.ArgumentList.Add(folder);
        foreach (var argument in probeArguments.Skip(1)) start.ArgumentList.Add(argument);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.Environment["OMP_NUM_THREADS"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The {ranks}-rank probe ({string.Join(' ', probeArguments)}) did not finish within {limit.TotalSeconds} s.");
        }
        process.WaitForExit();
        return new Outcome(process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed, folder);
    }
}
