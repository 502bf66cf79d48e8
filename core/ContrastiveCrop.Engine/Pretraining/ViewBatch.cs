namespace ContrastiveCrop.Engine.Pretraining;

/// <summary>
/// One batch of augmented views as plain arrays (built on loader threads, turned into tensors on
/// the training thread, since TorchSharp's dispose scopes are per thread).
/// </summary>
/// <param name="Indices">Dataset index of each image.</param>
/// <param name="Views">Views[v] holds view v of every image: N × 3 × Sizes[v] × Sizes[v] floats.</param>
/// <param name="Sizes">Side length of each view.</param>
public sealed record ViewBatch(int[] Indices, float[][] Views, int[] Sizes)
{
    /// <summary>The side length shared by every view; throws when the views differ in size (use <see cref="Sizes"/>).</summary>
    public int Size => Sizes.All(s => s == Sizes[0])
        ? Sizes[0]
        : throw new InvalidOperationException($"The views of this batch have different sizes ({string.Join(", ", Sizes)}); read ViewBatch.Sizes per view.");
}
