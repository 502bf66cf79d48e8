using System.Diagnostics;
using System.Text.Json;
using ContrastiveCrop.Plugins.Backbones;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Interop;

/// <summary>
/// The files tools/interop/make_fixtures.py wrote with Debian's PyTorch 1.13 / torchvision 0.14, the
/// forward passes PyTorch recorded for them, and the Python that can re-check exports where it is installed.
/// </summary>
internal static class InteropFixtures
{
    /// <summary>
    /// Float32 features of two different implementations (libtorch 2.10 here, PyTorch 1.13 there) agree to
    /// rounding: |ours − PyTorch| ≤ 1e-4 + 1e-4·|PyTorch| per element.
    /// </summary>
    public const double AbsoluteTolerance = 1e-4, RelativeTolerance = 1e-4;

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Interop", "Fixtures");

    public static string File(string name) => Path.Combine(Folder, name);

    private static readonly Lazy<JsonDocument> ReferenceDocument = new(() => JsonDocument.Parse(System.IO.File.ReadAllText(File("reference.json"))));

    /// <summary>The fixed input PyTorch's features were computed on (2×3×32×32).</summary>
    public static Tensor Input()
    {
        var root = ReferenceDocument.Value.RootElement;
        var shape = root.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var values = root.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        return tensor(values).reshape(shape);
    }

    /// <summary>What make_fixtures.py recorded for one fixture.</summary>
    public sealed record Expected(int Depth, double WidthMultiplier, bool SmallDataStem, string Root, float[] Features, long[] FeaturesShape);

    public static Expected Reference(string fixture)
    {
        var entry = ReferenceDocument.Value.RootElement.GetProperty("fixtures").GetProperty(fixture);
        return new Expected(
            entry.GetProperty("depth").GetInt32(), entry.GetProperty("width_multiplier").GetDouble(),
            entry.GetProperty("small_data_stem").GetBoolean(), entry.GetProperty("root").GetString()!,
            entry.GetProperty("features").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
            entry.GetProperty("features_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray());
    }

    /// <summary>The platform's backbone with the architecture a fixture was written for, in eval mode.</summary>
    public static ResNet Backbone(Expected expected)
    {
        var backbone = new ResNet(new ResNetOptions(expected.Depth, expected.WidthMultiplier, expected.SmallDataStem));
        backbone.eval();
        return backbone;
    }

    /// <summary>The backbone's pooled features of <see cref="Input"/>.</summary>
    public static float[] Features(ResNet backbone)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return backbone.call(Input()).data<float>().ToArray();
    }

    public static void AssertClose(float[] actual, float[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double excess = Math.Abs(actual[i] - expected[i]) - (AbsoluteTolerance + RelativeTolerance * Math.Abs(expected[i]));
            worst = Math.Max(worst, excess);
            if (excess > 0) Assert.Fail($"{what}: element {i} is {actual[i]}, PyTorch gives {expected[i]}");
        }
        // The features must carry signal, or equality would prove nothing.
        Assert.That(expected.Select(Math.Abs).Max(), Is.GreaterThan(1e-2), $"{what}: reference features are not all ~0");
    }

    private static readonly Lazy<string?> TorchPythonPath = new(FindTorchPython);

    /// <summary>A Python that imports torch and torchvision (Debian: /usr/bin/python3 with python3-torch), or Ignore.</summary>
    public static string TorchPython()
    {
        if (TorchPythonPath.Value is { } path) return path;
        Assert.Ignore("No Python with torch and torchvision here (Debian: apt-get install python3-torch python3-torchvision); the PyTorch-side check is skipped.");
        return "";
    }

    private static string? FindTorchPython()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var (code, _, _) = Run(candidate, "-c \"import torch, torchvision\"");
                if (code == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under that name.
            }
        }
        return null;
    }

    /// <summary>The repository's tools/interop folder (the tests run from artifacts/bin/...).</summary>
    public static string ToolsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var tools = Path.Combine(dir.FullName, "tools", "interop");
            if (Directory.Exists(tools)) return tools;
        }
        throw new DirectoryNotFoundException("tools/interop not found above the test folder.");
    }

    public static (int Code, string Out, string Error) Run(string program, string arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
