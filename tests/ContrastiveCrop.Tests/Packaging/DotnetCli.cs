using System.Diagnostics;

namespace ContrastiveCrop.Tests.Packaging;

/// <summary>
/// Runs the dotnet CLI (pack, new, build, publish) and programs it produced as child processes, as a user would in
/// a shell, with the MSBuild variables of the test host removed so the child sees a clean environment.
/// </summary>
internal static class DotnetCli
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>The repository root (the folder holding the solution), found upwards from the test assembly.</summary>
    public static string RepoRoot => TestFolders.RepoRoot;

    /// <summary>The dotnet executable running this test host (DOTNET_HOST_PATH), else the one on PATH.</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/>; fails the test with the output when it runs past <paramref name="timeout"/>.</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args) =>
        Exec(Dotnet, workingDirectory, environment, timeout, args);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> and returns its exit code and combined output.</summary>
    public static Result Exec(string program, string workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host runs under `dotnet test`, whose MSBuild settings would point a child build at the host's SDK state.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild node or compiler server may outlive the test.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = new System.Text.StringBuilder();
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{program} {string.Join(' ', args)}` ran past {timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (gate) return new Result(process.ExitCode, output.ToString());
    }
}
