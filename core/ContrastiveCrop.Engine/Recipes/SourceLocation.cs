namespace ContrastiveCrop.Engine.Recipes;

/// <summary>
/// A position inside a recipe source: a YAML file, or a <c>--set</c> override.
/// </summary>
/// <param name="File">
/// The full path of the YAML file, or <c>--set</c> for a command-line override.
/// </param>
/// <param name="Line">1-based line; for an override, the 1-based index of the override.</param>
/// <param name="Column">1-based column; always 1 for an override.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>The file name used for nodes that come from command-line overrides.</summary>
    public const string OverrideFile = "--set";

    /// <summary>Formats the location as <c>file:line:column</c>, the form editors and terminals link to.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
