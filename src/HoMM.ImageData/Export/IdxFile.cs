using System.Buffers.Binary;
using System.IO.Compression;

namespace HoMM.ImageData.Export;

/// <summary>
/// Reads an unsigned-byte IDX file (MNIST's format), gzip-compressed or not: magic 0x0000_08_rank,
/// big-endian int32 dimensions, then the bytes. Shared by homm-train's Fashion-MNIST reader and
/// <c>homm-search data export-folder</c>.
/// </summary>
public static class IdxFile
{
    /// <summary>The data of <paramref name="path"/>, which must have <paramref name="rank"/> dimensions; throws <see cref="ImageDataException"/> otherwise.</summary>
    public static byte[] Read(string path, int rank, out int[] dims)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> header = stackalloc byte[4];
        try
        {
            stream.ReadExactly(header);
        }
        catch (EndOfStreamException)
        {
            throw new ImageDataException($"{path}: shorter than an IDX header");
        }

        if (header[0] != 0 || header[1] != 0 || header[2] != 0x08 || header[3] != rank)
            throw new ImageDataException($"{path}: not an IDX file of unsigned bytes with {rank} dimension(s) (header {Convert.ToHexString(header)})");
        dims = new int[rank];
        long total = 1;
        for (var i = 0; i < rank; i++)
        {
            stream.ReadExactly(header);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(header);
            total *= dims[i];
        }

        var data = new byte[total];
        try
        {
            stream.ReadExactly(data);
        }
        catch (EndOfStreamException)
        {
            throw new ImageDataException($"{path}: the file ends before its {total} bytes of data (truncated download?)");
        }

        return data;
    }

    /// <summary>The path of IDX file <paramref name="name"/> in <paramref name="directory"/>, gzip-compressed (name.gz) or not.</summary>
    public static string? Find(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path))
                return path;
        }

        return null;
    }
}
