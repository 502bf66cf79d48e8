using System.Runtime.InteropServices;

namespace ContrastiveCrop.Distributed;

/// <summary>
/// Open MPI 4.x's C API through function pointers into <c>libmpi.so.40</c> (not the MPI.NET package, which is an
/// MS-MPI build that crashes on Open MPI). Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>,
/// <c>MPI_SUM</c>, …) are the addresses of exported globals such as <c>ompi_mpi_comm_world</c>, so they are
/// looked up with <see cref="NativeLibrary.GetExport"/>; every other implementation's handles differ, which is
/// why only Open MPI is supported.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The shared object Debian's <c>libopenmpi3</c> installs (Open MPI 4.1).</summary>
    public const string FileName = "libmpi.so.40";

    /// <summary><c>MPI_THREAD_MULTIPLE</c> in Open MPI: the watchdog calls <c>MPI_Abort</c> from its own thread.</summary>
    public const int ThreadMultiple = 3;

    /// <summary><c>MPI_IN_PLACE</c> in Open MPI's mpi.h: <c>(void *) 1</c>.</summary>
    public static readonly IntPtr InPlace = 1;

    private const int RtldNow = 2, RtldGlobal = 0x100;

    // Open MPI dlopens its transport components, which resolve libmpi's symbols globally: load it RTLD_GLOBAL first.
    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen(string file, int mode);

    private MpiLibrary(IntPtr handle)
    {
        IntPtr F(string name) => NativeLibrary.GetExport(handle, name);
        InitThread = (delegate* unmanaged<int*, IntPtr*, int, int*, int>)F("MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)F("MPI_Initialized");
        Finalize = (delegate* unmanaged<int>)F("MPI_Finalize");
        Abort = (delegate* unmanaged<IntPtr, int, int>)F("MPI_Abort");
        CommRank = (delegate* unmanaged<IntPtr, int*, int>)F("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<IntPtr, int*, int>)F("MPI_Comm_size");
        Allreduce = (delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, int>)F("MPI_Allreduce");
        Allgather = (delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, int, IntPtr, IntPtr, int>)F("MPI_Allgather");
        Bcast = (delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, int>)F("MPI_Bcast");
        Barrier = (delegate* unmanaged<IntPtr, int>)F("MPI_Barrier");
        CommWorld = F("ompi_mpi_comm_world");
        Byte = F("ompi_mpi_byte");
        Float = F("ompi_mpi_float");
        Double = F("ompi_mpi_double");
        Int32 = F("ompi_mpi_int32_t");
        Int64 = F("ompi_mpi_int64_t");
        Sum = F("ompi_mpi_op_sum");
        Max = F("ompi_mpi_op_max");
        Min = F("ompi_mpi_op_min");
    }

    /// <summary>Loads libmpi, or returns null with the reason (not installed, not Open MPI).</summary>
    public static MpiLibrary? TryLoad(out string? problem)
    {
        if (DlOpen(FileName, RtldNow | RtldGlobal) == IntPtr.Zero || !NativeLibrary.TryLoad(FileName, out var handle))
        {
            problem = $"{FileName} (Open MPI 4) was not found; install it (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev) or set distributed.backend: none.";
            return null;
        }
        if (!NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
        {
            problem = $"{FileName} is not Open MPI (no ompi_mpi_comm_world); only Open MPI 4.x is supported.";
            return null;
        }
        problem = null;
        return new MpiLibrary(handle);
    }

    public delegate* unmanaged<int*, IntPtr*, int, int*, int> InitThread { get; }
    public delegate* unmanaged<int*, int> Initialized { get; }
    public delegate* unmanaged<int> Finalize { get; }
    public delegate* unmanaged<IntPtr, int, int> Abort { get; }
    public delegate* unmanaged<IntPtr, int*, int> CommRank { get; }
    public delegate* unmanaged<IntPtr, int*, int> CommSize { get; }
    public delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, int> Allreduce { get; }
    public delegate* unmanaged<IntPtr, int, IntPtr, IntPtr, int, IntPtr, IntPtr, int> Allgather { get; }
    public delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, int> Bcast { get; }
    public delegate* unmanaged<IntPtr, int> Barrier { get; }

    public IntPtr CommWorld { get; }
    public IntPtr Byte { get; }
    public IntPtr Float { get; }
    public IntPtr Double { get; }
    public IntPtr Int32 { get; }
    public IntPtr Int64 { get; }
    public IntPtr Sum { get; }
    public IntPtr Max { get; }
    public IntPtr Min { get; }
}
