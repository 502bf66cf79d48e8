using System;
using System.IO;
using NUnit.Framework;

using ContrastiveCrop.Engine.Recipes;

namespace ContrastiveCrop.Tests.Recipes;

/// <summary>A fresh folder of recipe files per test, kept under the test output directory.</summary>
internal sealed class RecipeFiles
{
    public RecipeFiles()
    {
        Root = Path.Combine(TestContext.CurrentContext.WorkDirectory, "recipe-files", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    public string Write(string relative, string text)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
