namespace ContrastiveCrop.Data;

/// <summary>Where Fashion-MNIST's four IDX files are and what its classes are called.</summary>
public static class FashionMnistFiles
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DebianRoot = "/usr/share/datasets/fashion-mnist";

    /// <summary>The class names, in label order.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The expected layout, for error messages.</summary>
    public const string Layout =
        "<root>/train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz] " +
        "(on Debian: apt-get install dataset-fashion-mnist puts them in " + DebianRoot + ")";

    /// <summary>The images and labels files of <paramref name="split"/> (<c>train</c> or <c>test</c>), plain or .gz.</summary>
    public static (string Images, string Labels) Locate(string root, string split)
    {
        string prefix = split == "train" ? "train" : "t10k";
        string Find(string name) => DatasetFiles.Find($"Fashion-MNIST {split} split", Layout,
            Path.Combine(root, name + ".gz"), Path.Combine(root, name));
        return (Find($"{prefix}-images-idx3-ubyte"), Find($"{prefix}-labels-idx1-ubyte"));
    }

    /// <summary>Whether all four files are present under <paramref name="root"/>.</summary>
    public static bool Present(string root) =>
        new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" }
            .All(n => File.Exists(Path.Combine(root, n)) || File.Exists(Path.Combine(root, n + ".gz")));
}
