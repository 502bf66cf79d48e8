using System.Collections;
using System.Collections.Specialized;
using System.Text.Json;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// Writes a torchvision-named ResNet backbone as a torchvision, detectron2 or safetensors file, with
/// its provenance (recipe, method, epochs, …) wherever the format has room for it. Files are written
/// to a temporary name and renamed into place, so a failed export never leaves half a file.
/// </summary>
public static class BackboneExporter
{
    /// <summary>The top-level key of a detectron2 file that carries the provenance as a JSON string (the checkpointer ignores keys it does not know).</summary>
    public const string Detectron2ProvenanceKey = "__ccrop_provenance__";

    /// <summary>
    /// Writes <paramref name="backbone"/> (torchvision names, no fc) to <paramref name="path"/>. Returns
    /// where the provenance went: the file itself, or a side file <c>PATH.provenance.json</c> for the
    /// torchvision format (whose state dict must hold tensors only to load strictly).
    /// </summary>
    /// <exception cref="InteropException">The tensors are not a ResNet (torchvision and detectron2 formats), or the path does not suit the format.</exception>
    public static string Write(string path, ExportFormat format, IReadOnlyDictionary<string, Tensor> backbone, IReadOnlyDictionary<string, string> provenance)
    {
        if (format != ExportFormat.Safetensors && ResNetSignature.Of(backbone.ToDictionary(kv => kv.Key, kv => kv.Value.shape)) is null)
            throw new InteropException($"The backbone's tensors are not a torchvision-layout ResNet (e.g. {string.Join(", ", backbone.Keys.Take(3))}); export it with --format safetensors.");
        if (format == ExportFormat.Detectron2 && path.EndsWith(".pkl", StringComparison.OrdinalIgnoreCase))
            throw new InteropException($"--out '{path}': detectron2 reads .pkl files with plain pickle (numpy arrays); write a .pth, which its DetectionCheckpointer reads with torch.load.");
        var ordered = backbone.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var contiguous = ordered.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.detach().cpu().contiguous())).ToList();
        try
        {
            string where;
            switch (format)
            {
                case ExportFormat.Safetensors:
                    var metadata = new Dictionary<string, string>(provenance) { ["format"] = "pt", ["ccrop.names"] = "torchvision" };
                    WriteAtomically(path, stream => SafetensorsFile.Write(stream, contiguous, metadata));
                    where = "the file's __metadata__";
                    break;
                case ExportFormat.Detectron2:
                    var model = new OrderedDictionary();
                    foreach (var (name, tensor) in contiguous) model[Detectron2Names.Of(name)] = tensor;
                    var root = new OrderedDictionary
                    {
                        ["model"] = model,
                        ["__author__"] = "ContrastiveCrop.Platform",
                        ["matching_heuristics"] = true,
                        [Detectron2ProvenanceKey] = JsonSerializer.Serialize(provenance),
                    };
                    WriteAtomically(path, stream => PyTorchPickler.PickleStateDict(stream, root, leaveOpen: true));
                    where = $"the file's '{Detectron2ProvenanceKey}' entry";
                    break;
                default:
                    var stateDict = new OrderedDictionary();
                    foreach (var (name, tensor) in contiguous) stateDict[name] = tensor;
                    WriteAtomically(path, stream => PyTorchPickler.PickleStateDict(stream, stateDict, leaveOpen: true));
                    var side = path + ".provenance.json";
                    WriteAtomically(side, stream => JsonSerializer.Serialize(stream, provenance, new JsonSerializerOptions { WriteIndented = true }));
                    where = side;
                    break;
            }
            return where;
        }
        finally
        {
            foreach (var (_, tensor) in contiguous) tensor.Dispose();
        }
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
                write(stream);
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
