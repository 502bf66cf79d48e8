using System.Collections;
using System.Globalization;
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
        Hashtable root;
        try
        {
            using var stream = File.OpenRead(path);
            root = PyTorchUnpickler.UnpickleStateDict(stream);
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
            // PyBridge rebuilds each tensor on a storage of its own size, so a tensor saved as a view into a
            // larger storage (a slice, tied or flattened parameters) cannot be placed.
            throw new InteropException(
                $"'{path}' holds a tensor that is a view into a larger storage (a slice, or tied / flattened parameters), which this reader cannot rebuild; " +
                "re-save with copies: torch.save({k: v.clone() for k, v in state_dict.items()}, path).", e);
        }

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Flatten(root, "", tensors);
        return tensors;
    }

    /// <summary>The Python class Razorvine names in "... (for numpy.dtype) ...", or its whole message.</summary>
    private static string PythonClass(string message)
    {
        int start = message.IndexOf("(for ", StringComparison.Ordinal);
        int end = start < 0 ? -1 : message.IndexOf(')', start);
        return end > start ? message[(start + 5)..end] : message;
    }

    private static void Flatten(object? value, string prefix, Dictionary<string, Tensor> into)
    {
        switch (value)
        {
            case Tensor tensor:
                into[prefix.TrimEnd('.')] = tensor;
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
