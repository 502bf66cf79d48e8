namespace ContrastiveCrop.Contracts;

/// <summary>
/// The version of the plugin contracts. A plugin is accepted when it was compiled against the same
/// <see cref="Major"/> (read from its reference to this assembly) as the host; minor versions only add.
/// </summary>
public static class ContractsVersion
{
    /// <summary>Breaking-change counter; equals this assembly's <c>AssemblyVersion</c> major.</summary>
    public const int Major = 1;

    /// <summary>Additive-change counter within a major version (1.1: view crop scales, neighbour views, the run's input normalisation; 1.2: a step's embeddings).</summary>
    public const int Minor = 2;

    /// <summary>The version as text, e.g. <c>1.0</c>.</summary>
    public static string Text => $"{Major}.{Minor}";
}
