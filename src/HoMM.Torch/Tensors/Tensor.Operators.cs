namespace HoMM.Torch;

public static partial class torch
{
    public partial class Tensor
    {
        // Operators allocate a new tensor, owned by the current dispose scope like any other result.
#pragma warning disable CA2225 // The named alternates are the methods (add, sub, mul, div, neg), as in TorchSharp.
        public static Tensor operator +(Tensor left, Tensor right) => left.add(right);

        public static Tensor operator +(Tensor left, double right) => left.add(right);

        public static Tensor operator +(double left, Tensor right) => right.add(left);

        public static Tensor operator +(Tensor left, long right) => left.add(right);

        public static Tensor operator +(long left, Tensor right) => right.add(left);

        public static Tensor operator -(Tensor left, Tensor right) => left.sub(right);

        public static Tensor operator -(Tensor left, double right) => left.sub(right);

        public static Tensor operator -(double left, Tensor right) => Wrap(Native.NativeMethods.ht_rsub_scalar(right.Handle, left, 0));

        public static Tensor operator -(Tensor left, long right) => left.sub(right);

        public static Tensor operator -(long left, Tensor right) => Wrap(Native.NativeMethods.ht_rsub_scalar(right.Handle, left, 1));

        public static Tensor operator -(Tensor tensor) => tensor.neg();

        public static Tensor operator *(Tensor left, Tensor right) => left.mul(right);

        public static Tensor operator *(Tensor left, double right) => left.mul(right);

        public static Tensor operator *(double left, Tensor right) => right.mul(left);

        public static Tensor operator *(Tensor left, long right) => left.mul(right);

        public static Tensor operator *(long left, Tensor right) => right.mul(left);

        public static Tensor operator /(Tensor left, Tensor right) => left.div(right);

        public static Tensor operator /(Tensor left, double right) => left.div(right);

        public static Tensor operator /(double left, Tensor right) => Wrap(Native.NativeMethods.ht_rdiv_scalar(right.Handle, left, 0));

        public static Tensor operator /(Tensor left, long right) => left.div(right);
#pragma warning restore CA2225
    }
}
