using NUnit.Framework;
namespace ContrastiveCrop.Tests.Models;

/// <summary>Reads a fixture listing a torchvision state_dict: one "key shape" line per tensor, in order.</summary>
internal static class TorchvisionLayout
{
    public static IReadOnlyList<(string Key, long[] Shape)> Read(string fileName)
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Models", "Fixtures", fileName);
        return File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' '))
            .Select(parts => (parts[0], parts[1] == "scalar" ? [] : parts[1].Split('x').Select(long.Parse).ToArray()))
            .ToList();
    }
}
