using static TorchSharp.torch;

namespace ContrastiveCrop.Interop;

/// <summary>
/// A tensor as a file describes it, without its values: enough to tell whether a checkpoint fits a network
/// before the file's data is read.
/// </summary>
/// <param name="DType">The element type.</param>
/// <param name="Shape">The sizes of its dimensions.</param>
public sealed record StoredTensor(ScalarType DType, long[] Shape)
{
    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
