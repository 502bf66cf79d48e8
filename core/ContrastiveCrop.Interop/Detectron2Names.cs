namespace ContrastiveCrop.Interop;

/// <summary>
/// detectron2's names for a torchvision ResNet's tensors, as its tools/convert-torchvision-to-d2.py
/// produces them: everything outside <c>layerN</c> goes under <c>stem.</c>, <c>layerN</c> becomes
/// <c>res(N+1)</c>, <c>bnK</c> becomes <c>convK.norm</c>, <c>downsample.0</c> becomes <c>shortcut</c> and
/// <c>downsample.1</c> <c>shortcut.norm</c>. detectron2 matches these by suffix against its model
/// (<c>backbone.res2…</c>, and <c>roi_heads.res5…</c> in the C4 head), so C4 and FPN take the same file.
/// </summary>
public static class Detectron2Names
{
    /// <summary>The detectron2 name of a torchvision ResNet tensor name.</summary>
    public static string Of(string torchvisionName)
    {
        var name = torchvisionName.Contains("layer", StringComparison.Ordinal) ? torchvisionName : "stem." + torchvisionName;
        for (int stage = 1; stage <= 4; stage++) name = name.Replace($"layer{stage}", $"res{stage + 1}", StringComparison.Ordinal);
        for (int k = 1; k <= 3; k++) name = name.Replace($"bn{k}", $"conv{k}.norm", StringComparison.Ordinal);
        return name.Replace("downsample.0", "shortcut", StringComparison.Ordinal)
                   .Replace("downsample.1", "shortcut.norm", StringComparison.Ordinal);
    }
}
