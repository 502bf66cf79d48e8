using System.Text;
using TorchSharp;
using TorchSharp.Modules;

namespace ContrastiveCrop.Plugins.Detection.Training;

/// <summary>
/// A detection stage's checkpoint: one file holding the iteration, the model and the optimiser's
/// momentum buffers, ended by a marker. Written beside and renamed into place, so model, optimiser and
/// iteration always belong together and a crash mid-write keeps the previous checkpoint whole.
/// </summary>
internal static class DetectionCheckpoint
{
    private static readonly byte[] Magic = "CCDETCK1"u8.ToArray();
    private static readonly byte[] EndMarker = "CCDETEND"u8.ToArray();

    /// <summary>Writes iteration, model and optimiser state to <paramref name="path"/>.</summary>
    public static void Save(string path, int iteration, torch.nn.Module model, OptimizerHelper optimizer) =>
        Write(path, writer =>
        {
            writer.Write(iteration);
            model.save(writer);
            optimizer.save_state_dict(writer);
        });

    /// <summary>
    /// Writes <paramref name="content"/> between header and end marker to a temporary file, then
    /// replaces <paramref name="path"/>; if <paramref name="content"/> throws, <paramref name="path"/> is untouched.
    /// </summary>
    internal static void Write(string path, Action<BinaryWriter> content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                content(writer);
                writer.Write(EndMarker);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Loads <paramref name="path"/> into model and optimiser; returns the iteration it was written at, or null when there is no checkpoint.</summary>
    public static int? Load(string path, torch.nn.Module model, OptimizerHelper optimizer)
    {
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"Detection checkpoint '{path}' does not start like one: it is another file. Delete it to start the stage afresh.");
            int iteration = reader.ReadInt32();
            model.load(reader);
            optimizer.load_state_dict(reader);
            if (!reader.ReadBytes(EndMarker.Length).AsSpan().SequenceEqual(EndMarker))
                throw new InvalidDataException($"Detection checkpoint '{path}' is truncated or corrupt (no end marker). Delete it to start the stage afresh.");
            return iteration;
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"Detection checkpoint '{path}' is truncated. Delete it to start the stage afresh.");
        }
    }
}
