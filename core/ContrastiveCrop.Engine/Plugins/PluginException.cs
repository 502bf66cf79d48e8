namespace ContrastiveCrop.Engine.Plugins;

/// <summary>A plugin could not be found, loaded or constructed; the message says which and what to do.</summary>
public sealed class PluginException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Set when the error is that no plugin of this kind and name is installed (so a caller can say where it used to come from).</summary>
    public PluginKey? UnknownPlugin { get; init; }
}
