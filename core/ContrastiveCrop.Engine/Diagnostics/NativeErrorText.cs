using System.Runtime.InteropServices;

namespace ContrastiveCrop.Engine.Diagnostics;

/// <summary>
/// The part of an error message a user reads. libtorch's errors reach .NET as <see cref="ExternalException"/>s whose
/// message is the error itself followed by "Exception raised from … (most recent call first):" and dozens of
/// "frame #N: …" lines of native addresses; those frames help only whoever debugs TorchSharp, so messages show the
/// error's first line and the full text stays on the exception (printed with <c>--debug</c> / <c>CCROP_DEBUG=1</c>).
/// </summary>
public static class NativeErrorText
{
    /// <summary>
    /// The first non-empty line of a native (<see cref="ExternalException"/>) error's message, e.g. "Unknown scalar type.";
    /// any other exception's message unchanged.
    /// </summary>
    public static string Message(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is not ExternalException) return error.Message;
        var first = error.Message.Split('\n').Select(line => line.TrimEnd('\r').Trim()).FirstOrDefault(line => line.Length > 0);
        return first ?? error.Message;
    }
}
