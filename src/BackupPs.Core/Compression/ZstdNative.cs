using System.Runtime.InteropServices;
using BackupPs.Core.Errors;

namespace BackupPs.Core.Compression;

/// <summary>ZSTD_inBuffer: { const void* src; size_t size; size_t pos; }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZstdInBuffer
{
    public nint Src;
    public nuint Size;
    public nuint Pos;
}

/// <summary>ZSTD_outBuffer: { void* dst; size_t size; size_t pos; }.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZstdOutBuffer
{
    public nint Dst;
    public nuint Size;
    public nuint Pos;
}

/// <summary>ZSTD_EndDirective.</summary>
internal enum ZstdEndDirective
{
    Continue = 0,
    Flush = 1,
    End = 2,
}

/// <summary>The ZSTD_cParameter values used here (stable since zstd 1.4.0).</summary>
internal enum ZstdCParameter
{
    CompressionLevel = 100,
    ChecksumFlag = 201,
    NbWorkers = 400,
}

/// <summary>
/// The system libzstd (libzstd.so.1, from Debian's libzstd1) bound through function pointers resolved with
/// <see cref="NativeLibrary"/>. No DllImport and no assembly-wide DllImportResolver, so nothing here can
/// collide with another resolver in BackupPs.Core, and a missing library is a clear
/// <see cref="BackupPsException"/> (ZstdLibraryMissing) at first use rather than a DllNotFoundException.
/// Only the streaming API that is stable since zstd 1.4.0 is used.
/// </summary>
internal sealed unsafe class ZstdNative
{
    internal const uint MinimumVersion = 10400;

    private static readonly object s_gate = new();
    private static ZstdNative? s_instance;
    private static string? s_failure;

    private readonly delegate* unmanaged<uint> _versionNumber;
    private readonly delegate* unmanaged<nuint, uint> _isError;
    private readonly delegate* unmanaged<nuint, nint> _getErrorName;
    private readonly delegate* unmanaged<nint> _createCCtx;
    private readonly delegate* unmanaged<nint, nuint> _freeCCtx;
    private readonly delegate* unmanaged<nint, int, int, nuint> _cctxSetParameter;
    private readonly delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, int, nuint> _compressStream2;
    private readonly delegate* unmanaged<nuint> _cStreamInSize;
    private readonly delegate* unmanaged<nuint> _cStreamOutSize;
    private readonly delegate* unmanaged<nint> _createDCtx;
    private readonly delegate* unmanaged<nint, nuint> _freeDCtx;
    private readonly delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, nuint> _decompressStream;
    private readonly delegate* unmanaged<nuint> _dStreamInSize;
    private readonly delegate* unmanaged<nuint> _dStreamOutSize;

    private ZstdNative(nint lib, string libraryName)
    {
        LibraryName = libraryName;
        _versionNumber = (delegate* unmanaged<uint>)NativeLibrary.GetExport(lib, "ZSTD_versionNumber");
        _isError = (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(lib, "ZSTD_isError");
        _getErrorName = (delegate* unmanaged<nuint, nint>)NativeLibrary.GetExport(lib, "ZSTD_getErrorName");
        _createCCtx = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "ZSTD_createCCtx");
        _freeCCtx = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "ZSTD_freeCCtx");
        _cctxSetParameter = (delegate* unmanaged<nint, int, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_CCtx_setParameter");
        _compressStream2 = (delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_compressStream2");
        _cStreamInSize = (delegate* unmanaged<nuint>)NativeLibrary.GetExport(lib, "ZSTD_CStreamInSize");
        _cStreamOutSize = (delegate* unmanaged<nuint>)NativeLibrary.GetExport(lib, "ZSTD_CStreamOutSize");
        _createDCtx = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "ZSTD_createDCtx");
        _freeDCtx = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "ZSTD_freeDCtx");
        _decompressStream = (delegate* unmanaged<nint, ZstdOutBuffer*, ZstdInBuffer*, nuint>)NativeLibrary.GetExport(lib, "ZSTD_decompressStream");
        _dStreamInSize = (delegate* unmanaged<nuint>)NativeLibrary.GetExport(lib, "ZSTD_DStreamInSize");
        _dStreamOutSize = (delegate* unmanaged<nuint>)NativeLibrary.GetExport(lib, "ZSTD_DStreamOutSize");
        Version = _versionNumber();
    }

    /// <summary>The name the library was loaded under (diagnostics).</summary>
    public string LibraryName { get; }

    /// <summary>ZSTD_versionNumber(): major*10000 + minor*100 + patch.</summary>
    public uint Version { get; }

    /// <summary>"1.5.4" style version text.</summary>
    public string VersionText => $"{Version / 10000}.{Version / 100 % 100}.{Version % 100}";

    /// <summary>True when libzstd can be loaded and is recent enough; never throws.</summary>
    public static bool IsAvailable => TryGet(out _);

    /// <summary>The loaded library, or a BackupPsException (ZstdLibraryMissing) that says how to install it.</summary>
    public static ZstdNative Instance
    {
        get
        {
            if (TryGet(out ZstdNative? native))
            {
                return native;
            }

            throw new BackupPsException(CompressionErrorIds.ZstdLibraryMissing, FailureCategory.ResourceUnavailable,
                $"The zstd library could not be used ({s_failure}); install it with 'apt-get install libzstd1' or use -Compression Gzip.");
        }
    }

    private static bool TryGet(out ZstdNative native)
    {
        ZstdNative? loaded = Volatile.Read(ref s_instance);
        if (loaded is null && Volatile.Read(ref s_failure) is null)
        {
            lock (s_gate)
            {
                if (s_instance is null && s_failure is null)
                {
                    Load();
                }

                loaded = s_instance;
            }
        }

        native = loaded!;
        return loaded is not null;
    }

    private static void Load()
    {
        // libzstd.so.1 is the soname Debian / Raspberry Pi OS ship (package libzstd1, a dependency of apt
        // itself). The "zstd" probe lets the runtime try its usual prefixes/suffixes (libzstd.so, libzstd.dylib).
        string[] candidates = ["libzstd.so.1", "zstd", "libzstd.1.dylib"];
        nint handle = 0;
        string? name = null;
        foreach (string candidate in candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out handle) ||
                NativeLibrary.TryLoad(candidate, typeof(ZstdNative).Assembly, DllImportSearchPath.SafeDirectories, out handle))
            {
                name = candidate;
                break;
            }
        }

        if (name is null)
        {
            s_failure = "libzstd.so.1 was not found";
            return;
        }

        try
        {
            var native = new ZstdNative(handle, name);
            if (native.Version < MinimumVersion)
            {
                s_failure = $"libzstd {native.VersionText} is older than 1.4.0";
                return;
            }

            s_instance = native;
        }
        catch (EntryPointNotFoundException e)
        {
            s_failure = $"{name} lacks the streaming API: {e.Message}";
        }
    }

    public bool IsError(nuint code) => _isError(code) != 0;

    public string GetErrorName(nuint code) => Marshal.PtrToStringUTF8(_getErrorName(code)) ?? $"zstd error {code}";

    public nint CreateCCtx() => _createCCtx();

    public void FreeCCtx(nint cctx) => _freeCCtx(cctx);

    public nuint SetParameter(nint cctx, ZstdCParameter parameter, int value) => _cctxSetParameter(cctx, (int)parameter, value);

    public nuint CompressStream2(nint cctx, ZstdOutBuffer* output, ZstdInBuffer* input, ZstdEndDirective op) =>
        _compressStream2(cctx, output, input, (int)op);

    public int CStreamInSize => (int)_cStreamInSize();

    public int CStreamOutSize => (int)_cStreamOutSize();

    public nint CreateDCtx() => _createDCtx();

    public void FreeDCtx(nint dctx) => _freeDCtx(dctx);

    public nuint DecompressStream(nint dctx, ZstdOutBuffer* output, ZstdInBuffer* input) => _decompressStream(dctx, output, input);

    public int DStreamInSize => (int)_dStreamInSize();

    public int DStreamOutSize => (int)_dStreamOutSize();
}

/// <summary>Owns a ZSTD_CCtx* or a ZSTD_DCtx*, freed with the matching libzstd function.</summary>
internal sealed class ZstdContextHandle : SafeHandle
{
    private readonly Action<nint> _free;

    private ZstdContextHandle(Func<nint> create, Action<nint> free)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _free = free;
        SetHandle(create());
    }

    public static ZstdContextHandle ForCompression(ZstdNative native) => new(native.CreateCCtx, native.FreeCCtx);

    public static ZstdContextHandle ForDecompression(ZstdNative native) => new(native.CreateDCtx, native.FreeDCtx);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        _free(handle);
        return true;
    }
}
