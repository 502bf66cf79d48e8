using System.Text.RegularExpressions;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.BadInput;

/// <summary>
/// One bad input: how to set it up (files in a fresh <see cref="TinyRecipe"/> folder, then the ccrop
/// arguments), the exit code it must give, and what its one-line message must name.
/// </summary>
/// <param name="Name">The test name: what is wrong.</param>
/// <param name="Arrange">Writes the files and returns the arguments of ccrop.</param>
/// <param name="ExitCode">2 for bad input, 3 for divergence.</param>
/// <param name="Mentions">Each must appear in the message (file:line:column, key, --set argument, path, what to do).</param>
/// <param name="BeforeWork">The input is wrong before any work: no run folder may be created.</param>
/// <param name="Prefix">How the message line starts (<c>error: </c>; <c>problem: </c> for plugins list).</param>
internal sealed record BadInputCase(
    string Name, Func<TinyRecipe, string[]> Arrange, int ExitCode, IReadOnlyList<string> Mentions,
    bool BeforeWork = true, string Prefix = "error: ")
{
    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Runs the case in-process and checks the exit code, the one message line, no stack trace, no run folder.</summary>
    public void Check()
    {
        var recipe = new TinyRecipe();
        var args = Arrange(recipe).Select(a => a.Replace("{folder}", recipe.Folder)).ToArray();
        var before = RunFolders(recipe).ToHashSet();
        var outcome = recipe.Invoke(args);
        Assert(outcome, recipe, before);
    }

    /// <summary>The checks of <see cref="Check"/> on an outcome obtained some other way (a subprocess).</summary>
    public void Assert(Ccrop.Outcome outcome, TinyRecipe recipe, IReadOnlySet<string> runFoldersBefore)
    {
        var lines = MessageLines(outcome.Error);
        var mentions = Mentions.Select(m => m.Replace("{folder}", recipe.Folder)).ToList();
        NUnit.Framework.Assert.Multiple(() =>
        {
            NUnit.Framework.Assert.That(outcome.ExitCode, Is.EqualTo(ExitCode), outcome.Error + outcome.Out);
            NUnit.Framework.Assert.That(lines, Has.Count.EqualTo(1), "one message line:\n" + outcome.Error);
            NUnit.Framework.Assert.That(lines.FirstOrDefault() ?? "", Does.StartWith(Prefix));
            foreach (var mention in mentions)
                NUnit.Framework.Assert.That(lines.FirstOrDefault() ?? "", Does.Contain(mention), outcome.Error);
            NUnit.Framework.Assert.That(StackFrame().IsMatch(outcome.Error + outcome.Out), Is.False, "no stack trace:\n" + outcome.Error);
            NUnit.Framework.Assert.That(outcome.Error, Does.Not.Contain("Exception:").And.Not.Contain("a bug in ccrop"));
            NUnit.Framework.Assert.That(outcome.Error.Any(c => char.IsControl(c) && c is not ('\n' or '\r')), Is.False, "no binary garbage");
            if (BeforeWork)
                NUnit.Framework.Assert.That(RunFolders(recipe).Except(runFoldersBefore), Is.Empty, "no run folder before work starts");
        });
    }

    /// <summary>The message lines on stderr: everything but blank lines and warnings.</summary>
    public static List<string> MessageLines(string error) =>
        error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();

    /// <summary>Run folders under every folder a case may use as output_dir.</summary>
    public static IEnumerable<string> RunFolders(TinyRecipe recipe) =>
        Directory.EnumerateDirectories(recipe.Folder, "*", SearchOption.AllDirectories)
            .Where(d => File.Exists(Path.Combine(d, "manifest.json")) || Directory.Exists(Path.Combine(d, "checkpoints")));

    private static Regex StackFrame() => new(@"^\s+at \S+.*\(", RegexOptions.Multiline);
}
