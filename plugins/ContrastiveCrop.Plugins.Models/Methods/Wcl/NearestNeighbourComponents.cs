using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// WCL's weak labels: link every sample to its most similar other sample (cosine, self excluded),
/// treat the links as an undirected graph, and label samples by connected component.
/// </summary>
public static class NearestNeighbourComponents
{
    /// <summary>The 1-nearest neighbour of each row of L2-normalised <paramref name="features"/> (N, D), N ≥ 2.</summary>
    public static long[] NearestNeighbours(Tensor features)
    {
        if (features.ndim != 2 || features.shape[0] < 2)
            throw new ArgumentException($"Need (N, D) features with N >= 2; got [{string.Join(", ", features.shape)}].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long n = features.shape[0];
        // Cosines lie in [-1, 1]; subtracting 2 on the diagonal keeps a sample from choosing itself.
        var similarity = features.matmul(features.t()) - eye(n, dtype: features.dtype, device: features.device) * 2;
        return similarity.argmax(1).cpu().data<long>().ToArray();
    }

    /// <summary>Component labels 0..C−1 (numbered in order of first appearance) of the graph with edges i–next[i].</summary>
    public static int[] Components(IReadOnlyList<long> next)
    {
        var parent = Enumerable.Range(0, next.Count).ToArray();
        int Find(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        for (int i = 0; i < next.Count; i++)
        {
            int a = Find(i), b = Find((int)next[i]);
            if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b);
        }
        var labelOfRoot = new Dictionary<int, int>();
        return Enumerable.Range(0, next.Count).Select(i =>
        {
            int root = Find(i);
            if (!labelOfRoot.TryGetValue(root, out int label)) labelOfRoot[root] = label = labelOfRoot.Count;
            return label;
        }).ToArray();
    }

    /// <summary>Same-component mask (N, N) as floats: 1 where two samples share a weak label.</summary>
    public static Tensor SameComponentMask(Tensor features)
    {
        var labels = Components(NearestNeighbours(features));
        using var scope = NewDisposeScope();
        var l = tensor(labels.Select(x => (long)x).ToArray(), device: features.device);
        return l.unsqueeze(1).eq(l.unsqueeze(0)).to(features.dtype).MoveToOuterDisposeScope();
    }
}
