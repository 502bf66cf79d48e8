using ContrastiveCrop.Contracts;
using ContrastiveCrop.Data;
using ContrastiveCrop.Tests.Cli;

namespace ContrastiveCrop.Tests.BadInput;

/// <summary>Recipes and files for the bad-input cases: tiny image folders, IDX and CIFAR files, plugin DLLs.</summary>
internal static class BadData
{
    /// <summary>The data section of <see cref="TinyRecipe.Text"/>.</summary>
    public const string ShapesData = "data:\n  name: shapes-on-clutter\n  train_count: 48\n  test_count: 24\n  image_size: 16\n";

    /// <summary>The tiny recipe with its data section replaced by <paramref name="data"/> (a whole <c>data:</c> block).</summary>
    public static string WithData(string data) => Replace(TinyRecipe.Text(), ShapesData, data);

    /// <summary><paramref name="text"/> with <paramref name="from"/> replaced; fails when it is absent, so a case cannot silently test nothing.</summary>
    public static string Replace(string text, string from, string to) =>
        text.Contains(from, StringComparison.Ordinal) ? text.Replace(from, to, StringComparison.Ordinal)
            : throw new ArgumentException($"'{from}' is not in the recipe:\n{text}");

    /// <summary>An image-folder data section over <paramref name="root"/> with the given test folder.</summary>
    public static string ImageFolderData(string root, string testDir = "val") =>
        $"data:\n  name: image-folder\n  root: {root}\n  test_dir: {testDir}\n  cache: memory\n";

    /// <summary>
    /// Writes <c>split/class/i.png</c> (16×16, a flat colour per class) for each class and split; returns the root.
    /// </summary>
    public static string ImageFolder(string parent, int perClass, string[] classes, params string[] splits)
    {
        var root = Path.Combine(parent, "images");
        int c = 0;
        foreach (var name in classes)
        {
            c++;
            foreach (var split in splits)
            {
                var folder = Path.Combine(root, split, name);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < perClass; i++)
                {
                    var pixels = Enumerable.Range(0, 16 * 16 * 3).Select(p => (byte)(40 * c + (p % 3) * 30 + i)).ToArray();
                    File.WriteAllBytes(Path.Combine(folder, $"{i:D3}.png"), ImageCodec.EncodePng(new RgbImage(16, 16, pixels)));
                }
            }
        }
        return root;
    }

    /// <summary>A big-endian IDX unsigned-byte file with the given dimensions and data length.</summary>
    public static void Idx(string path, int[] dims, int dataBytes)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)dims.Length };
        foreach (var d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(new byte[dataBytes]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [.. bytes]);
    }

    /// <summary>Writes the four Fashion-MNIST files with <paramref name="train"/>/<paramref name="test"/> images; returns the folder.</summary>
    public static string FashionMnist(string parent, int train, int test, int trainLabels = -1)
    {
        var root = Path.Combine(parent, "fmnist");
        Idx(Path.Combine(root, "train-images-idx3-ubyte"), [train, 28, 28], train * 28 * 28);
        Idx(Path.Combine(root, "train-labels-idx1-ubyte"), [trainLabels < 0 ? train : trainLabels], trainLabels < 0 ? train : trainLabels);
        Idx(Path.Combine(root, "t10k-images-idx3-ubyte"), [test, 28, 28], test * 28 * 28);
        Idx(Path.Combine(root, "t10k-labels-idx1-ubyte"), [test], test);
        return root;
    }

    /// <summary>A copy of a first-party plugin DLL with its bytes changed by <paramref name="damage"/>, in its own folder; returns the folder.</summary>
    public static string DamagedPlugin(string parent, Func<byte[], byte[]> damage)
    {
        var source = Directory.EnumerateFiles(TestFolders.Plugins, "ContrastiveCrop.Plugins.Samplers.dll", SearchOption.AllDirectories).First();
        var folder = Path.Combine(parent, "extra-plugins");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "Broken.Sampler.dll"), damage(File.ReadAllBytes(source)));
        return folder;
    }

    /// <summary>
    /// Damages the metadata root's signature ("BSJB"), so the file is still a PE image but its .NET
    /// metadata cannot be read: the kind of damage a bad copy or a disk error leaves.
    /// </summary>
    public static byte[] CorruptMetadata(byte[] dll)
    {
        using var stream = new MemoryStream(dll);
        using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
        var start = pe.PEHeaders.MetadataStartOffset;
        var copy = (byte[])dll.Clone();
        if (!copy.AsSpan(start, 4).SequenceEqual("BSJB"u8)) throw new InvalidOperationException("No metadata signature where the PE headers put it.");
        copy[start] = (byte)'X';
        copy[start + 1] = 0x07;
        return copy;
    }
}
