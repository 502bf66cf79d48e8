using System.Collections;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using Razorvine.Pickle;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// Reads a <c>torch.save</c> zip file with PyBridge's unpickler and flattens whatever dictionary it
/// holds into dotted names: <c>{"state_dict": {"module.encoder_q.conv1.weight": t}}</c> becomes
/// <c>state_dict.module.encoder_q.conv1.weight</c>. Nested optimiser states, queues and heads come out
/// as names too; <see cref="ResNetLayoutRecognizer"/> decides what is the backbone.
/// </summary>
public static class TorchZipReader
{
    /// <summary>Every tensor in the file by dotted name; the caller owns (disposes) them.</summary>
    /// <exception cref="InteropException">The zip is truncated or damaged, or holds something other than dictionaries of tensors.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        // PyBridge fills a tensor from its entry without checking the entry holds enough bytes (a short entry leaves
        // the rest of the tensor uninitialised): the headers are checked first, which costs milliseconds.
        ReadShapes(path);
        using var stream = File.OpenRead(path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Flatten(Unpickle(path, stream, skipTensorRead: false), "", tensors);
        return tensors;
    }

    /// <summary>
    /// The dtype and shape of every tensor <see cref="Read"/> would return, from the pickle and the zip's directory
    /// alone: no tensor data is read, so a 100 MB ResNet-50 file costs milliseconds. A file is refused here exactly when
    /// <see cref="Read"/> refuses it (the same unpickler decides), with the same message.
    /// </summary>
    /// <exception cref="InteropException">As <see cref="Read"/>.</exception>
    public static Dictionary<string, StoredTensor> ReadShapes(string path)
    {
        using var stream = File.OpenRead(path);
        var found = new Dictionary<string, object>(StringComparer.Ordinal);
        Flatten(Unpickle(path, stream, skipTensorRead: true), "", found);
        // The zip's directory again (its entries' sizes), as PyBridge numbers them.
        stream.Position = 0;
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var shapes = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        foreach (var (name, value) in found)
            shapes[name] = Describe(path, name, value, archive);
        return shapes;
    }

    /// <summary>
    /// One tensor as PyBridge's unpickler leaves it when told not to read the data: the storage's zip entry (its index), dtype,
    /// offset, shape and stride. Its type is internal to PyBridge, so its properties are read by name.
    /// </summary>
    private static StoredTensor Describe(string path, string name, object pending, ZipArchive archive)
    {
        T Get<T>(string property) => (T)(pending.GetType().GetProperty(property)?.GetValue(pending)
                                          ?? throw new InvalidOperationException($"PyBridge's pending tensor has no {property}; its version changed."));
        var dtype = Get<ScalarType>("DType");
        var shape = Get<long[]>("Shape");
        var stride = Get<long[]>("Stride");
        long offset = Get<int>("StorageOffset");
        Get<Stream>("Data").Dispose();
        var entry = archive.Entries[Get<int>("ArchiveIndex")];
        long elements = shape.Aggregate(1L, (a, b) => a * b);
        // Read builds each tensor as a strided view of an empty tensor of its own size; a view reaching past that
        // (a slice of a larger storage) is the native error Read turns into the message below.
        long reach = shape.Any(d => d == 0) ? 0 : offset + shape.Zip(stride, (d, s) => (d - 1) * s).Sum() + 1;
        if (reach > elements) throw ViewIntoLargerStorage(path, null);
        long bytes = elements * StoredTensor.ElementSize(dtype);
        if (entry.Length < bytes)
            throw new InteropException($"'{path}' ends early: '{name}' needs {bytes} bytes but its entry '{entry.FullName}' holds {entry.Length} (truncated torch.save zip); copy or download it again.");
        return new StoredTensor(dtype, shape);
    }

    /// <summary>The file's root dictionary; PyBridge's exceptions become one message naming the file and what to do.</summary>
    private static Hashtable Unpickle(string path, Stream stream, bool skipTensorRead)
    {
        try
        {
            return PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true, skipTensorRead);
        }
        catch (InvalidDataException e)
        {
            throw new InteropException($"'{path}' is a damaged or truncated zip file ({e.Message}); copy or download it again.", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InteropException($"'{path}' ends early (truncated torch.save zip); copy or download it again.", e);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("no matching element", StringComparison.Ordinal))
        {
            throw new InteropException($"'{path}' is a zip file but not a torch.save file (no data.pkl or a missing tensor entry); give a file written by torch.save.", e);
        }
        catch (InvalidCastException e)
        {
            throw new InteropException($"'{path}' holds a single tensor or list, not a dictionary of tensors; save a state dict: torch.save(model.state_dict(), path).", e);
        }
        catch (NotImplementedException e) when (e.Message.Contains("entire model", StringComparison.Ordinal))
        {
            throw new InteropException($"'{path}' holds a whole pickled nn.Module, not a state dict; re-save it with torch.save(model.state_dict(), path).", e);
        }
        catch (PickleException e)
        {
            throw new InteropException(
                $"'{path}' holds Python objects this reader cannot rebuild ({PythonClass(e.Message)}); save only the tensors: torch.save({{'state_dict': model.state_dict()}}, path).", e);
        }
        catch (ExternalException e) when (e.Message.Contains("out of bounds for storage", StringComparison.Ordinal))
        {
            throw ViewIntoLargerStorage(path, e);
        }
    }

    // PyBridge rebuilds each tensor on a storage of its own size, so a tensor saved as a view into a
    // larger storage (a slice, tied or flattened parameters) cannot be placed.
    private static InteropException ViewIntoLargerStorage(string path, Exception? inner) => new(
        $"'{path}' holds a tensor that is a view into a larger storage (a slice, or tied / flattened parameters), which this reader cannot rebuild; " +
        "re-save with copies: torch.save({k: v.clone() for k, v in state_dict.items()}, path).", inner);

    /// <summary>The Python class Razorvine names in "... (for numpy.dtype) ...", or its whole message.</summary>
    private static string PythonClass(string message)
    {
        int start = message.IndexOf("(for ", StringComparison.Ordinal);
        int end = start < 0 ? -1 : message.IndexOf(')', start);
        return end > start ? message[(start + 5)..end] : message;
    }

    /// <summary>
    /// Names every leaf of type <typeparamref name="TLeaf"/> (a tensor, or PyBridge's pending tensor when data is skipped)
    /// by its dotted path; other values (numbers, strings) are not tensors and are left out.
    /// </summary>
    private static void Flatten<TLeaf>(object? value, string prefix, Dictionary<string, TLeaf> into)
    {
        switch (value)
        {
            case Tensor tensor when tensor is TLeaf leaf:
                into[prefix.TrimEnd('.')] = leaf;
                break;
            case not null when typeof(TLeaf) == typeof(object) && value.GetType().Name == "TensorConstructorArgs":
                into[prefix.TrimEnd('.')] = (TLeaf)value;
                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                    Flatten(entry.Value, prefix + Convert.ToString(entry.Key, CultureInfo.InvariantCulture) + ".", into);
                break;
            case IList list when value is not string:
                for (int i = 0; i < list.Count; i++) Flatten(list[i], prefix + i.ToString(CultureInfo.InvariantCulture) + ".", into);
                break;
        }
    }
}
