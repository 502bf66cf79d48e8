using System.Globalization;
using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// Finds the ResNet backbone among a file's tensors and renames it to torchvision's names. A backbone
/// root is any prefix <c>p</c> under which both <c>p.conv1.weight</c> and <c>p.layer1.0.conv1.weight</c>
/// exist (torchvision's module names, used by torchvision, MoCo, SimCLR, SimSiam, mmselfsup, …), or
/// <c>p.0.weight</c> and <c>p.4.0.conv1.weight</c> (a <c>Sequential(*resnet.children())</c>, as in
/// PyTorch-BYOL's <c>encoder</c>), or <c>p.stem.conv1.weight</c> and <c>p.res2.0.conv1.weight</c>
/// (detectron2's names, as <c>ccrop export --format detectron2</c> writes them). When several roots exist (MoCo's query and key encoders, BYOL's
/// online and target networks), the trained one is preferred: the query / online / student encoder over
/// an unmarked one over a key / momentum / target / teacher copy, then the shortest prefix.
/// </summary>
public static class ResNetLayoutRecognizer
{
    // Sequential(*resnet.children()): conv1, bn1, relu, maxpool, layer1..layer4, avgpool, fc.
    private static readonly Dictionary<string, string> ChildIndexNames = new()
    {
        ["0"] = "conv1", ["1"] = "bn1", ["4"] = "layer1", ["5"] = "layer2", ["6"] = "layer3", ["7"] = "layer4",
    };

    private static readonly string[] TrainedMarks = ["encoder_q", "base_encoder", "online", "student", "query"];
    private static readonly string[] CopyMarks = ["encoder_k", "momentum", "target", "teacher", "key", "ema", "shadow"];

    /// <summary>How the tensors under a root are named.</summary>
    public enum Naming
    {
        /// <summary>torchvision's module names.</summary>
        Torchvision,
        /// <summary>The children of <c>Sequential(*resnet.children())</c>, numbered 0..9.</summary>
        NumberedChildren,
        /// <summary>detectron2's names (<c>stem.conv1.norm</c>, <c>res2.0.shortcut</c>, …).</summary>
        Detectron2,
    }

    /// <summary>A backbone root: the prefix and how the tensors under it are named.</summary>
    public sealed record Root(string Prefix, Naming Naming);

    /// <summary>Every root in <paramref name="names"/>, best first.</summary>
    public static IReadOnlyList<Root> Roots(IReadOnlyCollection<string> names)
    {
        var set = names as IReadOnlySet<string> ?? names.ToHashSet(StringComparer.Ordinal);
        var roots = new List<Root>();
        foreach (var name in names)
        {
            if (Under(name, "layer1.0.conv1.weight") is { } p && set.Contains(p + "conv1.weight")) roots.Add(new Root(p, Naming.Torchvision));
            if (Under(name, "4.0.conv1.weight") is { } q && set.Contains(q + "0.weight") && set.Contains(q + "1.weight")) roots.Add(new Root(q, Naming.NumberedChildren));
            if (Under(name, "res2.0.conv1.weight") is { } d && set.Contains(d + "stem.conv1.weight")) roots.Add(new Root(d, Naming.Detectron2));
        }
        return [.. roots.Distinct().OrderBy(r => Rank(r.Prefix)).ThenBy(r => r.Prefix.Length).ThenBy(r => r.Prefix, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Splits <paramref name="tensors"/> into the backbone (renamed to torchvision names, <c>fc</c> dropped)
    /// and the rest. Tensors not kept are disposed.
    /// </summary>
    /// <exception cref="InteropException">No ResNet backbone is in the file.</exception>
    public static ImportedBackbone Recognize(string path, CheckpointFormat format, Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var roots = Roots(tensors.Keys);
        if (roots.Count == 0)
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw NoResNet(path, tensors.Keys);
        }
        var root = roots[0];
        var backbone = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var heads = new List<string>();
        var ignored = new List<string>();
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string? torchvisionName = name.StartsWith(root.Prefix, StringComparison.Ordinal) ? Rename(name[root.Prefix.Length..], root.Naming) : null;
            if (torchvisionName is null)
            {
                (name.StartsWith(root.Prefix, StringComparison.Ordinal) ? heads : ignored).Add(name);
                tensor.Dispose();
            }
            else if (torchvisionName.StartsWith("fc.", StringComparison.Ordinal))
            {
                heads.Add(name);
                tensor.Dispose();
            }
            else
            {
                backbone[torchvisionName] = tensor;
            }
        }
        return new ImportedBackbone(path, format, root.Prefix, backbone, heads, ignored, metadata);
    }

    /// <summary>
    /// The backbone's shapes among a file's tensor shapes, by torchvision name (<c>fc</c> left out): what
    /// <see cref="Recognize"/> keeps, read from names and shapes alone.
    /// </summary>
    /// <exception cref="InteropException">No ResNet backbone is in the file.</exception>
    public static (Root Root, Dictionary<string, StoredTensor> Backbone) RecognizeShapes(string path, IReadOnlyDictionary<string, StoredTensor> tensors)
    {
        var roots = Roots(tensors.Keys.ToList());
        if (roots.Count == 0) throw NoResNet(path, tensors.Keys);
        var root = roots[0];
        var backbone = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
            if (name.StartsWith(root.Prefix, StringComparison.Ordinal) && Rename(name[root.Prefix.Length..], root.Naming) is { } torchvisionName &&
                !torchvisionName.StartsWith("fc.", StringComparison.Ordinal))
                backbone[torchvisionName] = tensor;
        return (root, backbone);
    }

    private static InteropException NoResNet(string path, IEnumerable<string> names)
    {
        var all = names.ToList();
        var sample = all.Order(StringComparer.Ordinal).Take(4).ToList();
        return new InteropException(
            $"'{path}' holds no torchvision-layout ResNet ({all.Count} tensors, e.g. {(sample.Count == 0 ? "none" : string.Join(", ", sample))}; " +
            "no prefix has both conv1.weight and layer1.0.conv1.weight): it is another architecture. Only ResNet-18/34/50 backbones can be imported.");
    }

    /// <summary>The torchvision name of a name relative to the root, or null when it is none of the network's parts.</summary>
    private static string? Rename(string relative, Naming naming)
    {
        if (naming == Naming.Torchvision) return relative;
        if (naming == Naming.Detectron2) return FromDetectron2(relative);
        int dot = relative.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return null;
        // Index 9 is fc in Sequential(*children()); 2, 3 and 8 (relu, maxpool, avgpool) hold no tensors.
        if (relative[..dot] == "9") return "fc" + relative[dot..];
        return ChildIndexNames.TryGetValue(relative[..dot], out var module) ? module + relative[dot..] : null;
    }

    /// <summary>The inverse of <see cref="Detectron2Names.Of"/>.</summary>
    private static string? FromDetectron2(string relative)
    {
        string name;
        if (relative.StartsWith("stem.", StringComparison.Ordinal)) name = relative["stem.".Length..];
        else if (relative.Length > 5 && relative.StartsWith("res", StringComparison.Ordinal) && relative[3] is >= '2' and <= '5' && relative[4] == '.')
            name = $"layer{relative[3] - '1'}{relative[4..]}";
        else return null;
        name = name.Replace("shortcut.norm", "downsample.1", StringComparison.Ordinal).Replace("shortcut", "downsample.0", StringComparison.Ordinal);
        for (int k = 1; k <= 3; k++) name = name.Replace($"conv{k}.norm", $"bn{k}", StringComparison.Ordinal);
        return name;
    }

    private static string? Under(string name, string suffix) =>
        name.EndsWith(suffix, StringComparison.Ordinal) && (name.Length == suffix.Length || name[^(suffix.Length + 1)] == '.')
            ? name[..^suffix.Length]
            : null;

    private static int Rank(string prefix)
    {
        var lower = prefix.ToLower(CultureInfo.InvariantCulture);
        if (TrainedMarks.Any(lower.Contains)) return 0;
        if (CopyMarks.Any(lower.Contains)) return 2;
        return 1;
    }
}
