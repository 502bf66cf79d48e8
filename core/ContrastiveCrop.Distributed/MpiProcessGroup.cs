using ContrastiveCrop.Sdk.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Distributed;

/// <summary>
/// <see cref="IProcessGroup"/> over Open MPI's <c>MPI_COMM_WORLD</c> for CPU tensors: in-place all-reduce and
/// broadcast on the tensor's own memory, all-gather into a new tensor. Every call runs under the
/// <see cref="CollectiveWatchdog"/>. One per process: MPI is initialised once and finalised on dispose.
/// </summary>
public sealed unsafe class MpiProcessGroup : IProcessGroup, IDisposable
{
    // MPI counts are C ints: larger tensors go in chunks of this many elements.
    private const int MaxCount = 1 << 30;

    private readonly MpiLibrary _mpi;
    private readonly CollectiveWatchdog _watchdog;
    private bool _finalized;

    private MpiProcessGroup(MpiLibrary mpi, int rank, int worldSize, TimeSpan timeout)
    {
        (_mpi, Rank, WorldSize) = (mpi, rank, worldSize);
        _watchdog = new CollectiveWatchdog(timeout, rank, () => Abort(2));
        _watchdog.Start();
        AppDomain.CurrentDomain.ProcessExit += EndJobIfUnfinished;
    }

    private bool _aborting;

    /// <summary>
    /// This process is exiting (<see cref="Environment.Exit"/> from anywhere, a return without <see cref="Dispose"/>)
    /// while the job is still running. Left alone, mpirun would see a rank vanish without MPI_Finalize, stop the others
    /// and exit with status 1 and a page of text; instead the job ends here like any failed rank: one line naming this
    /// rank, then MPI_Abort with exit code 2 for every rank.
    /// </summary>
    private void EndJobIfUnfinished(object? sender, EventArgs e)
    {
        if (_finalized || _aborting) return;
        Console.Error.WriteLine($"error: rank {Rank} of {WorldSize} is exiting before the job finished (exit code {Environment.ExitCode}); ending every rank.");
        Abort(2);
    }

    /// <summary>
    /// Initialises MPI (thread level MULTIPLE, so the watchdog may abort from its own thread) and joins
    /// <c>MPI_COMM_WORLD</c>; throws <see cref="DistributedSetupException"/> with the reason when libmpi is missing
    /// or MPI cannot start.
    /// </summary>
    /// <param name="timeout">How long one collective may wait before every rank is ended.</param>
    public static MpiProcessGroup Initialize(TimeSpan timeout)
    {
        var mpi = MpiLibrary.TryLoad(out var problem) ?? throw new DistributedSetupException(problem!);
        int provided, rank, size, already;
        Check(mpi.Initialized(&already), "MPI_Initialized");
        if (already != 0) throw new DistributedSetupException("MPI is already initialised in this process; create one MpiProcessGroup per process.");
        Check(mpi.InitThread(null, null, MpiLibrary.ThreadMultiple, &provided), "MPI_Init_thread");
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        return new MpiProcessGroup(mpi, rank, size, timeout);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int WorldSize { get; }

    /// <inheritdoc />
    public string Backend => "mpi";

    /// <summary>How long one collective may wait.</summary>
    public TimeSpan Timeout => _watchdog.Timeout;

    /// <inheritdoc />
    public void AllReduce(Tensor tensor, ReduceOp op = ReduceOp.Sum)
    {
        RequireCpu(tensor, nameof(AllReduce));
        var type = DataType(tensor);
        var mpiOp = op switch { ReduceOp.Sum => _mpi.Sum, ReduceOp.Max => _mpi.Max, ReduceOp.Min => _mpi.Min, _ => throw new ArgumentOutOfRangeException(nameof(op)) };
        var address = TensorMemory.Address(tensor);
        long total = tensor.numel(), size = tensor.element_size();
        using var _ = _watchdog.Enter($"all-reduce of {total} elements");
        for (long offset = 0; offset < total; offset += MaxCount)
        {
            int count = (int)Math.Min(MaxCount, total - offset);
            Check(_mpi.Allreduce(MpiLibrary.InPlace, address + (nint)(offset * size), count, type, mpiOp, _mpi.CommWorld), "MPI_Allreduce");
        }
    }

    /// <inheritdoc />
    public Tensor AllGather(Tensor tensor)
    {
        RequireCpu(tensor, nameof(AllGather));
        using var local = tensor.contiguous();
        var shape = local.shape.ToArray();
        if (shape.Length == 0) shape = [1];
        shape[0] *= WorldSize;
        var gathered = empty(shape, dtype: local.dtype);
        long bytes = local.numel() * local.element_size();
        if (bytes > int.MaxValue) throw new ArgumentException($"all-gather of {bytes} bytes per rank exceeds MPI's int count; gather in pieces.");
        using (_watchdog.Enter($"all-gather of {local.numel()} elements per rank"))
            Check(_mpi.Allgather(TensorMemory.Address(local), (int)bytes, _mpi.Byte, TensorMemory.Address(gathered), (int)bytes, _mpi.Byte, _mpi.CommWorld), "MPI_Allgather");
        return gathered;
    }

    /// <inheritdoc />
    public void Broadcast(Tensor tensor, int root = 0)
    {
        RequireCpu(tensor, nameof(Broadcast));
        if (root < 0 || root >= WorldSize) throw new ArgumentOutOfRangeException(nameof(root), root, $"root must be a rank in [0, {WorldSize}).");
        var address = TensorMemory.Address(tensor);
        long total = tensor.numel() * tensor.element_size();
        using var _ = _watchdog.Enter($"broadcast of {tensor.numel()} elements from rank {root}");
        for (long offset = 0; offset < total; offset += MaxCount)
            Check(_mpi.Bcast(address + (nint)offset, (int)Math.Min(MaxCount, total - offset), _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <inheritdoc />
    public void Barrier()
    {
        using var _ = _watchdog.Enter("barrier");
        Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");
    }

    /// <summary>Broadcasts raw bytes from <paramref name="root"/> (NCCL's unique id, the run folder's path).</summary>
    public void Broadcast(Span<byte> bytes, int root = 0)
    {
        using var _ = _watchdog.Enter($"broadcast of {bytes.Length} bytes from rank {root}");
        fixed (byte* p = bytes) Check(_mpi.Bcast((IntPtr)p, bytes.Length, _mpi.Byte, root, _mpi.CommWorld), "MPI_Bcast");
    }

    /// <summary>
    /// Ends every rank of the job with <paramref name="exitCode"/> (<c>MPI_Abort</c>); used when one rank fails so
    /// the others do not wait in their next collective. Does not return.
    /// </summary>
    public void Abort(int exitCode)
    {
        _aborting = true;
        Console.Out.Flush();
        Console.Error.Flush();
        _mpi.Abort(_mpi.CommWorld, exitCode);
        Environment.Exit(exitCode);
    }

    /// <summary>Stops the watchdog and finalises MPI (every rank must do so).</summary>
    public void Dispose()
    {
        if (_finalized) return;
        _finalized = true;
        AppDomain.CurrentDomain.ProcessExit -= EndJobIfUnfinished;
        _watchdog.Dispose();
        _mpi.Finalize();
    }

    private IntPtr DataType(Tensor tensor) => tensor.dtype switch
    {
        ScalarType.Float32 => _mpi.Float,
        ScalarType.Float64 => _mpi.Double,
        ScalarType.Int32 => _mpi.Int32,
        ScalarType.Int64 => _mpi.Int64,
        _ => throw new ArgumentException($"MPI reductions support float32, float64, int32 and int64 tensors; got {tensor.dtype}."),
    };

    private static void RequireCpu(Tensor tensor, string operation)
    {
        if (tensor.device_type != DeviceType.CPU)
            throw new ArgumentException($"The MPI backend's {operation} works on CPU tensors; CUDA tensors need distributed.backend: nccl.");
    }

    private static void Check(int code, string function)
    {
        // Open MPI's default error handler aborts on errors; a non-zero code reaches us only under MPI_ERRORS_RETURN.
        if (code != 0) throw new DistributedSetupException($"{function} failed with MPI error code {code}.");
    }
}
