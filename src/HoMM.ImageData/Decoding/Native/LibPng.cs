using System.Runtime.InteropServices;

namespace HoMM.ImageData.Decoding.Native;

/// <summary>
/// libpng 1.6's "simplified API" (Debian libpng16-16): whole-image read and write through one
/// struct, every bit depth, palette, grey and interlaced variant converted by libpng itself.
/// </summary>
internal static unsafe partial class LibPng
{
    private const string Library = "libpng16.so.16";

    public const uint Version = 1;
    public const uint FormatRgb = 0x02;
    public const uint FormatRgba = 0x03;

    /// <summary>png_image: opaque, version, width, height, format, flags, colormap_entries, warning_or_error, message[64].</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Image
    {
        public nint Opaque;
        public uint Version;
        public uint Width;
        public uint Height;
        public uint Format;
        public uint Flags;
        public uint ColormapEntries;
        public uint WarningOrError;
        public fixed byte Message[64];

        public readonly string ErrorMessage()
        {
            fixed (byte* m = Message)
                return Marshal.PtrToStringUTF8((nint)m) ?? "unknown error";
        }
    }

    [LibraryImport(Library, EntryPoint = "png_image_begin_read_from_memory")]
    public static partial int BeginReadFromMemory(Image* image, byte* memory, nuint size);

    [LibraryImport(Library, EntryPoint = "png_image_finish_read")]
    public static partial int FinishRead(Image* image, void* background, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(Library, EntryPoint = "png_image_free")]
    public static partial void Free(Image* image);

    [LibraryImport(Library, EntryPoint = "png_image_write_to_memory")]
    public static partial int WriteToMemory(Image* image, byte* memory, nuint* bytes, int convertTo8Bit, byte* buffer, int rowStride, void* colormap);
}
