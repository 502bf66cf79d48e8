using System.Diagnostics;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.BadInput;

/// <summary>
/// A tmpfs of a given size (or read-only) mounted on a fresh folder, for disk-full and read-only cases.
/// Needs root and a kernel that allows the mount; otherwise the test is skipped with the reason.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    /// <summary>The mounted folder.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes; <paramref name="readOnly"/> mounts it read-only.</summary>
    public static SmallDisk Mount(string parent, long bytes, bool readOnly = false)
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("tmpfs mounts need Linux.");
        if (Environment.UserName != "root") Assert.Ignore("Mounting a small tmpfs needs root; run the tests as root to cover a full or read-only disk.");
        var path = System.IO.Path.Combine(parent, readOnly ? "read-only-disk" : "small-disk");
        Directory.CreateDirectory(path);
        var (code, error) = Exec("mount", "-t", "tmpfs", "-o", $"size={bytes}{(readOnly ? ",ro" : "")}", "tmpfs", path);
        if (code != 0) Assert.Ignore($"mount -t tmpfs failed ({error.Trim()}); the machine does not allow it here.");
        return new SmallDisk(path);
    }

    /// <inheritdoc />
    public void Dispose() => Exec("umount", "-l", Path);

    private static (int Code, string Error) Exec(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
