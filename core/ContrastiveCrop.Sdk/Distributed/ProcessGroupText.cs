using System.Text;
using static TorchSharp.torch;

namespace ContrastiveCrop.Sdk.Distributed;

/// <summary>Strings shared across ranks (the run folder rank 0 created): a length, then UTF-8 bytes, both broadcast.</summary>
public static class ProcessGroupText
{
    /// <summary>Rank <paramref name="root"/>'s <paramref name="text"/> on every rank (other ranks' argument is ignored).</summary>
    public static string Broadcast(IProcessGroup group, string? text, int root = 0)
    {
        if (group.WorldSize == 1) return text ?? throw new ArgumentNullException(nameof(text));
        var bytes = group.Rank == root ? Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))) : [];
        using var length = tensor(new long[] { bytes.Length });
        group.Broadcast(length, root);
        int count = (int)length.item<long>();
        using var payload = group.Rank == root ? tensor(bytes) : zeros(count, dtype: ScalarType.Byte);
        if (count > 0) group.Broadcast(payload, root);
        return Encoding.UTF8.GetString(payload.data<byte>().ToArray());
    }
}
