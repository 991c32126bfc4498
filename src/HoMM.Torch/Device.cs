using System.Globalization;

namespace HoMM.Torch;

public static partial class torch
{
    /// <summary>A device: a type and an index (-1: the current device of that type).</summary>
    public sealed class Device : IEquatable<Device>
    {
        public Device(DeviceType type, int index = -1)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(index, -1);
            this.type = type;
            this.index = index;
        }

        /// <summary>Parses "cpu", "cuda", "cuda:1" (the names PyTorch accepts).</summary>
        public Device(string description)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(description);
            var parts = description.Trim().ToLowerInvariant().Split(':');
            type = parts[0] switch
            {
                "cpu" => DeviceType.CPU,
                "cuda" => DeviceType.CUDA,
                "mps" => DeviceType.MPS,
                "meta" => DeviceType.META,
                _ => throw new ArgumentException($"unknown device '{description}'; expected cpu, cuda or cuda:N", nameof(description)),
            };
            index = -1;
            if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index)))
            {
                throw new ArgumentException($"bad device index in '{description}'; expected cuda:N with N >= 0", nameof(description));
            }

            if (parts.Length > 2)
            {
                throw new ArgumentException($"unknown device '{description}'; expected cpu, cuda or cuda:N", nameof(description));
            }
        }

#pragma warning disable IDE1006, CA1051 // TorchSharp's names.
        public readonly DeviceType type;
        public readonly int index;
#pragma warning restore IDE1006, CA1051

        public bool Equals(Device? other) => other is not null && other.type == type && other.index == index;

        public override bool Equals(object? obj) => Equals(obj as Device);

        public override int GetHashCode() => HashCode.Combine(type, index);

        public override string ToString()
        {
            var name = type.ToString().ToLowerInvariant();
            return index < 0 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}:{index}");
        }
    }

    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);
    public static readonly Device META = new(DeviceType.META);

    public static Device device(string description) => new(description);

    public static Device device(DeviceType type, int index = -1) => new(type, index);
}
