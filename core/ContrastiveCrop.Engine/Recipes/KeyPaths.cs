namespace ContrastiveCrop.Engine.Recipes;

/// <summary>Builds the dotted key paths used in error messages.</summary>
internal static class KeyPaths
{
    /// <summary>The path of <paramref name="key"/> inside the node at <paramref name="parent"/>.</summary>
    public static string Child(string parent, string key) =>
        string.IsNullOrEmpty(parent) ? key : parent + "." + key;

    /// <summary>The path of item <paramref name="index"/> inside the sequence at <paramref name="parent"/>.</summary>
    public static string Item(string parent, int index) => $"{parent}[{index}]";
}
