using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ContrastiveCrop.Distributed;

/// <summary>The address of a tensor's first element, for handing its memory to MPI or NCCL.</summary>
internal static partial class TensorMemory
{
    // TorchSharp keeps its own binding of this function internal; it returns at::Tensor::data_ptr(), storage offset included.
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr handle);

    /// <summary>The first element's address of <paramref name="tensor"/>, which must be contiguous (collectives read and write it as one block).</summary>
    public static IntPtr Address(Tensor tensor)
    {
        if (!tensor.is_contiguous())
            throw new ArgumentException("Collectives work on contiguous tensors; call .contiguous() and copy the result back.", nameof(tensor));
        return THSTensor_data(tensor.Handle);
    }
}
