namespace ContrastiveCrop.Sdk.Checkpoints;

/// <summary>
/// Writes a file through a temporary sibling and renames it into place, so a crash mid-write leaves
/// the previous version intact. Checkpoints, manifests and reports all go through it.
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of the temporary sibling; a leftover one means a write was cut off.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> atomically, as UTF-8 without a byte-order mark.</summary>
    public static void Write(string file, string text) =>
        Write(file, stream => { using var w = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>
    /// Calls <paramref name="write"/> on a temporary sibling of <paramref name="file"/>, flushes it to disk and
    /// renames it over <paramref name="file"/>. When anything fails the temporary file is removed and
    /// <paramref name="file"/> keeps its previous content; a storage failure (disk full, read-only, no
    /// permission) becomes a <see cref="FileWriteException"/> that names the file.
    /// </summary>
    public static void Write(string file, Action<Stream> write)
    {
        var temp = file + TemporarySuffix;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, file, overwrite: true);
        }
        catch (Exception e)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The folder itself refuses changes; nothing was added to it then.
            }
            if (e is not (IOException or UnauthorizedAccessException) || e is FileWriteException) throw;
            var previous = File.Exists(file) ? " The previous version of the file is kept." : "";
            throw new FileWriteException($"Cannot write '{file}': {e.Message.TrimEnd('.')}.{previous} Free disk space or make the folder writable, then resume the run.", e);
        }
    }
}

/// <summary>
/// A file could not be written (disk full, read-only or no permission); the message names the file and the
/// reason. The previous version of the file, if any, is left in place and no temporary file remains.
/// </summary>
public sealed class FileWriteException(string message, Exception inner) : IOException(message, inner);
