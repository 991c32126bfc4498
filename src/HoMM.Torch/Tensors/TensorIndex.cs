using HoMM.Torch.Native;

namespace HoMM.Torch;

public static partial class torch
{
    /// <summary>
    /// One index of a Python-style indexing expression: t[.., 0], t[TensorIndex.Ellipsis, 1..^1],
    /// t[TensorIndex.None], t[mask]. Converts implicitly from long, Range, bool and Tensor.
    /// </summary>
    public sealed class TensorIndex
    {
        private TensorIndex(Kind kind, long start = 0, long stop = 0, long step = 1, bool hasStart = false, bool hasStop = false, Tensor? tensor = null)
        {
            IndexKind = kind;
            Start = start;
            Stop = stop;
            Step = step;
            HasStart = hasStart;
            HasStop = hasStop;
            Tensor = tensor;
        }

        internal enum Kind
        {
            Single = 0,
            Slice = 1,
            Ellipsis = 2,
            None = 3,
            Tensor = 4,
            Bool = 5,
        }

        internal Kind IndexKind { get; }

        internal long Start { get; }

        internal long Stop { get; }

        internal long Step { get; }

        internal bool HasStart { get; }

        internal bool HasStop { get; }

        internal Tensor? Tensor { get; }

#pragma warning disable CA1720, CA2211 // TorchSharp's names.
        public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);
        public static readonly TensorIndex None = new(Kind.None);
        public static readonly TensorIndex Colon = new(Kind.Slice);
#pragma warning restore CA1720, CA2211

        public static TensorIndex Single(long index) => new(Kind.Single, start: index);

        public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
            return new(Kind.Slice, start ?? 0, stop ?? 0, step, start.HasValue, stop.HasValue);
        }

        public static TensorIndex Bool(bool value) => new(Kind.Bool, start: value ? 1 : 0);

        public static TensorIndex FromTensor(Tensor tensor) => new(Kind.Tensor, tensor: tensor ?? throw new ArgumentNullException(nameof(tensor)));

        /// <summary>A C# range: ^k counts from the end as -k does in Python; ^0 as the end is open.</summary>
        public static TensorIndex FromRange(Range range)
        {
            long? start = range.Start.IsFromEnd
                ? (range.Start.Value == 0 ? long.MaxValue : -range.Start.Value)
                : range.Start.Value;
            long? stop = range.End.IsFromEnd
                ? (range.End.Value == 0 ? null : -range.End.Value)
                : range.End.Value;
            return Slice(start == 0 ? null : start, stop);
        }

        public static implicit operator TensorIndex(long index) => Single(index);

        public static implicit operator TensorIndex(Range range) => FromRange(range);

        /// <summary>^k selects the k-th element from the end, as index -k does in Python.</summary>
        public static implicit operator TensorIndex(Index index) => Single(index.IsFromEnd ? -index.Value : index.Value);

        public static implicit operator TensorIndex(bool value) => Bool(value);

        public static implicit operator TensorIndex(Tensor tensor) => FromTensor(tensor);
    }

    public partial class Tensor
    {
        /// <summary>Python-style indexing; the setter assigns in place (index_put_).</summary>
        public Tensor this[params TensorIndex[] indices]
        {
            get
            {
                using var ix = new EncodedIndices(indices);
                return Wrap(NativeMethods.ht_index(Handle, ix.Count, ix.Kinds, ix.Args, ix.Flags, ix.Tensors.Pointers));
            }

            set
            {
                ArgumentNullException.ThrowIfNull(value);
                using var ix = new EncodedIndices(indices);
                TorchException.Check(NativeMethods.ht_index_put_(Handle, ix.Count, ix.Kinds, ix.Args, ix.Flags, ix.Tensors.Pointers, value.Handle));
            }
        }

        public Tensor index(params TensorIndex[] indices) => this[indices];

        /// <summary>Assigns <paramref name="value"/> to the indexed elements, in place.</summary>
        public Tensor index_put_(Tensor value, params TensorIndex[] indices)
        {
            this[indices] = value;
            return this;
        }

        /// <summary>Fills the indexed elements with a scalar, in place.</summary>
        public Tensor index_fill_(double value, params TensorIndex[] indices)
        {
            using var ix = new EncodedIndices(indices);
            TorchException.Check(NativeMethods.ht_index_fill_(Handle, ix.Count, ix.Kinds, ix.Args, ix.Flags, ix.Tensors.Pointers, value, 0));
            return this;
        }
    }

    private readonly struct EncodedIndices : IDisposable
    {
        internal EncodedIndices(TensorIndex[] indices)
        {
            ArgumentNullException.ThrowIfNull(indices);
            Count = indices.Length;
            Kinds = new int[Count];
            Args = new long[3 * Count];
            Flags = new int[Count];
            var tensors = new Tensor?[Count];
            for (var i = 0; i < Count; i++)
            {
                var ix = indices[i] ?? throw new ArgumentException("an index is null", nameof(indices));
                Kinds[i] = (int)ix.IndexKind;
                Args[3 * i] = ix.Start;
                Args[(3 * i) + 1] = ix.Stop;
                Args[(3 * i) + 2] = ix.Step;
                Flags[i] = (ix.HasStart ? 1 : 0) | (ix.HasStop ? 2 : 0);
                tensors[i] = ix.Tensor;
            }

            Tensors = new HandleArray(tensors);
        }

        internal int Count { get; }

        internal int[] Kinds { get; }

        internal long[] Args { get; }

        internal int[] Flags { get; }

        internal HandleArray Tensors { get; }

        public void Dispose() => Tensors.Dispose();
    }
}
