using System.Runtime.InteropServices;
using ContrastiveCrop.Sdk.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Distributed;

/// <summary>
/// <see cref="IProcessGroup"/> for CUDA tensors over NCCL (<c>libnccl.so.2</c>), bootstrapped over MPI: rank 0's
/// <c>ncclGetUniqueId</c> is broadcast with MPI and every rank calls <c>ncclCommInitRank</c>. CPU tensors and the
/// barrier go through the MPI group. UNTESTED: the project's machines have no GPU; it is compiled and reviewed
/// against NCCL 2's <c>nccl.h</c> only, like the rest of the CUDA path.
/// </summary>
/// <remarks>
/// TorchSharp exposes no CUDA stream, and its kernels run on the default stream, so the collectives are issued on
/// stream 0 (ordered after the kernels that produced the tensor) and the device is synchronised after each, so a
/// call returns with the result in place — and the MPI group's watchdog covers a wait that never ends.
/// Each rank must use its own GPU (device = cuda:local_rank) before the group starts.
/// </remarks>
public sealed unsafe class NcclProcessGroup : IProcessGroup, IDisposable
{
    private const string Library = "libnccl.so.2";
    private const int UniqueIdBytes = 128; // NCCL_UNIQUE_ID_BYTES

    private readonly MpiProcessGroup _mpi;
    private readonly IntPtr _comm;

    [StructLayout(LayoutKind.Sequential)]
    private struct UniqueId
    {
        public fixed byte Internal[UniqueIdBytes];
    }

    [DllImport(Library)] private static extern int ncclGetUniqueId(UniqueId* id);
    [DllImport(Library)] private static extern int ncclCommInitRank(IntPtr* comm, int nranks, UniqueId id, int rank);
    [DllImport(Library)] private static extern int ncclCommDestroy(IntPtr comm);
    [DllImport(Library)] private static extern int ncclAllReduce(IntPtr send, IntPtr recv, nuint count, int dataType, int op, IntPtr comm, IntPtr stream);
    [DllImport(Library)] private static extern int ncclAllGather(IntPtr send, IntPtr recv, nuint sendCount, int dataType, IntPtr comm, IntPtr stream);
    [DllImport(Library)] private static extern int ncclBroadcast(IntPtr send, IntPtr recv, nuint count, int dataType, int root, IntPtr comm, IntPtr stream);
    [DllImport(Library)] private static extern IntPtr ncclGetErrorString(int result);

    private NcclProcessGroup(MpiProcessGroup mpi, IntPtr comm) => (_mpi, _comm) = (mpi, comm);

    /// <summary>Whether <c>libnccl.so.2</c> can be loaded (for <c>ccrop doctor</c>).</summary>
    public static bool IsAvailable()
    {
        if (!NativeLibrary.TryLoad(Library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>Creates the NCCL communicator of the ranks in <paramref name="mpi"/>.</summary>
    public static NcclProcessGroup Initialize(MpiProcessGroup mpi)
    {
        if (!IsAvailable())
        {
            mpi.Dispose();
            throw new DistributedSetupException($"distributed.backend nccl needs {Library}, which was not found; install NCCL 2 or use backend mpi.");
        }
        UniqueId id;
        if (mpi.Rank == 0) Check(ncclGetUniqueId(&id), "ncclGetUniqueId");
        mpi.Broadcast(new Span<byte>(&id, UniqueIdBytes), 0);
        IntPtr comm;
        Check(ncclCommInitRank(&comm, mpi.WorldSize, id, mpi.Rank), "ncclCommInitRank");
        return new NcclProcessGroup(mpi, comm);
    }

    /// <inheritdoc />
    public int Rank => _mpi.Rank;

    /// <inheritdoc />
    public int WorldSize => _mpi.WorldSize;

    /// <inheritdoc />
    public string Backend => "nccl";

    /// <inheritdoc />
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        if (tensor.device_type != DeviceType.CUDA) { _mpi.AllReduce(tensor, op); return; }
        int ncclOp = op switch { ReduceOp.Sum => 0, ReduceOp.Max => 2, ReduceOp.Min => 3, _ => throw new ArgumentOutOfRangeException(nameof(op)) };
        var address = TensorMemory.Address(tensor);
        Check(ncclAllReduce(address, address, (nuint)tensor.numel(), DataType(tensor), ncclOp, _comm, IntPtr.Zero), "ncclAllReduce");
        torch.cuda.synchronize();
    }

    /// <inheritdoc />
    public Tensor AllGather(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CUDA) return _mpi.AllGather(tensor);
        using var local = tensor.contiguous();
        var shape = local.shape.ToArray();
        if (shape.Length == 0) shape = [1];
        shape[0] *= WorldSize;
        var gathered = empty(shape, dtype: local.dtype, device: local.device);
        Check(ncclAllGather(TensorMemory.Address(local), TensorMemory.Address(gathered), (nuint)local.numel(), DataType(local), _comm, IntPtr.Zero), "ncclAllGather");
        torch.cuda.synchronize();
        return gathered;
    }

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        if (tensor.device_type != DeviceType.CUDA) { _mpi.Broadcast(tensor, root); return; }
        var address = TensorMemory.Address(tensor);
        Check(ncclBroadcast(address, address, (nuint)tensor.numel(), DataType(tensor), root, _comm, IntPtr.Zero), "ncclBroadcast");
        torch.cuda.synchronize();
    }

    /// <inheritdoc />
    public void Barrier() => _mpi.Barrier();

    /// <summary>Ends every rank with <paramref name="exitCode"/> (<see cref="MpiProcessGroup.Abort"/>).</summary>
    public void Abort(int exitCode) => _mpi.Abort(exitCode);

    /// <summary>Destroys the communicator and finalises MPI.</summary>
    public void Dispose()
    {
        ncclCommDestroy(_comm);
        _mpi.Dispose();
    }

    // ncclDataType_t: ncclInt32 2, ncclInt64 4, ncclFloat16 6, ncclFloat32 7, ncclFloat64 8, ncclBfloat16 9.
    private static int DataType(Tensor tensor) => tensor.dtype switch
    {
        ScalarType.Int32 => 2,
        ScalarType.Int64 => 4,
        ScalarType.Float16 => 6,
        ScalarType.Float32 => 7,
        ScalarType.Float64 => 8,
        ScalarType.BFloat16 => 9,
        _ => throw new ArgumentException($"NCCL collectives support int32/int64/float16/bfloat16/float32/float64 tensors; got {tensor.dtype}."),
    };

    private static void Check(int result, string function)
    {
        if (result != 0)
            throw new DistributedSetupException($"{function} failed: {Marshal.PtrToStringAnsi(ncclGetErrorString(result))} (NCCL result {result}).");
    }
}
