using System.Runtime.InteropServices;

namespace HoMM.ImageData.Decoding.Native;

/// <summary>
/// The TurboJPEG 2.1 API of libjpeg-turbo (Debian libturbojpeg0). Every call reports failure by
/// its return value, never by a signal or an exception: libjpeg's errors are caught inside it.
/// </summary>
internal static unsafe partial class TurboJpeg
{
    private const string Library = "libturbojpeg.so.0";

    public const int PixelRgb = 0;
    public const int PixelGray = 6;
    public const int PixelCmyk = 11;
    public const int ColorspaceCmyk = 3;
    public const int ColorspaceYcck = 4;
    public const int Subsample444 = 0;
    public const int Subsample420 = 2;
    public const int SubsampleGray = 3;
    public const int ErrorWarning = 0;

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial nint InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjInitCompress")]
    public static partial nint InitCompress();

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(nint handle, byte* jpeg, nuint size, out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(nint handle, byte* jpeg, nuint size, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjCompress2")]
    public static partial int Compress(nint handle, byte* source, int width, int pitch, int height, int pixelFormat, byte** jpeg, nuint* size, int subsampling, int quality, int flags);

    [LibraryImport(Library, EntryPoint = "tjFree")]
    public static partial void Free(byte* buffer);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial nint ErrorString(nint handle);

    [LibraryImport(Library, EntryPoint = "tjGetErrorCode")]
    public static partial int ErrorCode(nint handle);

    public static string LastError(nint handle) => Marshal.PtrToStringUTF8(ErrorString(handle)) ?? "unknown error";
}
