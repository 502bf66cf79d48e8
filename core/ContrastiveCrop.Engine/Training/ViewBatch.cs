namespace ContrastiveCrop.Engine.Training;

/// <summary>
/// One batch of augmented views as plain arrays (built on loader threads, turned into tensors on
/// the training thread, since TorchSharp's dispose scopes are per thread).
/// </summary>
/// <param name="Indices">Dataset index of each image.</param>
/// <param name="Views">Views[v] holds view v of every image: N × 3 × Size × Size floats.</param>
/// <param name="Size">Side length of the views.</param>
public sealed record ViewBatch(int[] Indices, float[][] Views, int Size);
