namespace ContrastiveCrop.Engine.Plugins;

/// <summary>A plugin could not be found, loaded or constructed; the message says which and what to do.</summary>
public sealed class PluginException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginException(string message, Exception? inner = null) : base(message, inner) { }
}
