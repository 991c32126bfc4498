using System.Text;

namespace HoMM.Torch.Serialization;

/// <summary>
/// Named tensors in one binary file: module state dicts, optimizer state, checkpoints.
/// Layout (little-endian): "HOMMTNSR", int32 version (1), int32 count, then per entry the key
/// (7-bit-length-prefixed UTF-8), int32 dtype (c10::ScalarType), int32 rank, int64 dims[rank],
/// int64 byte count and the elements row-major. Values are read back on the CPU.
/// </summary>
public static class TensorArchive
{
    private const int Version = 1;
    private static readonly byte[] Magic = "HOMMTNSR"u8.ToArray();

    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = tensors.ToList();
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(entries.Count);
        foreach (var (key, tensor) in entries)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            writer.Write(key);
            writer.Write((int)tensor.dtype);
            var shape = tensor.shape;
            writer.Write(shape.Length);
            foreach (var d in shape)
            {
                writer.Write(d);
            }

            var bytes = tensor.bytes();
            writer.Write(bytes.LongLength);
            writer.Write(bytes);
        }
    }

    /// <summary>Reads every entry; the tensors belong to the current dispose scope, if any.</summary>
    public static Dictionary<string, torch.Tensor> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var magic = reader.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a HoMM tensor archive (bad magic bytes): the file is from another program or corrupt");
        }

        var version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"tensor archive version {version} is not supported (this build reads version {Version})");
        }

        var count = reader.ReadInt32();
        var result = new Dictionary<string, torch.Tensor>(count, StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString();
                var dtype = (ScalarType)reader.ReadInt32();
                var rank = reader.ReadInt32();
                if (rank is < 0 or > 64)
                {
                    throw new InvalidDataException($"tensor archive entry '{key}' has rank {rank}: the file is corrupt");
                }

                var shape = new long[rank];
                for (var d = 0; d < rank; d++)
                {
                    shape[d] = reader.ReadInt64();
                }

                var length = reader.ReadInt64();
                var bytes = reader.ReadBytes(checked((int)length));
                if (bytes.Length != length)
                {
                    throw new InvalidDataException($"tensor archive entry '{key}' is truncated ({bytes.Length} of {length} bytes)");
                }

                result[key] = torch.from_bytes(bytes, shape, dtype);
            }
        }
        catch
        {
            foreach (var t in result.Values)
            {
                t.Dispose();
            }

            throw;
        }

        return result;
    }

    public static void Save(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors)
    {
        using var file = File.Create(path);
        Write(file, tensors);
    }

    public static Dictionary<string, torch.Tensor> Load(string path)
    {
        using var file = File.OpenRead(path);
        return Read(file);
    }
}
