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

    /// <summary>
    /// For an override, the <c>key.path=value</c> argument as typed. It is not part of equality: the
    /// position is (file, line, column); the text only makes messages point at what the user typed.
    /// </summary>
    public string? Argument { get; init; }

    /// <summary>Whether the node came from a command-line override rather than a file.</summary>
    public bool IsOverride => File == OverrideFile;

    /// <summary>
    /// Formats the location as <c>file:line:column</c>, the form editors and terminals link to; an
    /// override as <c>--set key.path=value</c>, since it has no file to open (or, for a value another
    /// option put there, that option as typed: <see cref="File"/> is then the option, e.g. <c>--vary</c>).
    /// </summary>
    public override string ToString() => Argument is not null ? $"{File} {Argument}" : $"{File}:{Line}:{Column}";

    /// <inheritdoc />
    public bool Equals(SourceLocation? other) =>
        other is not null && File == other.File && Line == other.Line && Column == other.Column;

    /// <inheritdoc />
    public override int GetHashCode() => System.HashCode.Combine(File, Line, Column);
}
