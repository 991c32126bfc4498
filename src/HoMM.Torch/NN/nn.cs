using HoMM.Torch.Modules;
using HoMM.Torch.Native;

namespace HoMM.Torch;

#pragma warning disable CA1707, IDE1006 // PyTorch's names, on purpose.
public static partial class torch
{
    /// <summary>Layers, functional ops, initialisers and utilities, as torch.nn.</summary>
    public static partial class nn
    {
        /// <summary>How a loss reduces over the batch; values are at::Reduction's.</summary>
        public enum Reduction
        {
            None = 0,
            Mean = 1,
            Sum = 2,
        }

        public static Linear Linear(long inputSize, long outputSize, bool hasBias = true, Device? device = null, ScalarType? dtype = null) =>
            new(inputSize, outputSize, hasBias, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
            long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, (kernelSize, kernelSize), (stride, stride), (padding, padding), (dilation, dilation), groups, bias, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, (long, long) kernelSize, (long, long)? stride = null,
            (long, long)? padding = null, (long, long)? dilation = null, long groups = 1, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(in_channels, out_channels, kernelSize, stride ?? (1, 1), padding ?? (0, 0), dilation ?? (1, 1), groups, bias, device, dtype);

        public static LayerNorm LayerNorm(long normalized_shape, double eps = 1e-05, bool elementwise_affine = true, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new([normalized_shape], eps, elementwise_affine, bias, device, dtype);

        public static LayerNorm LayerNorm(long[] normalized_shape, double eps = 1e-05, bool elementwise_affine = true, bool bias = true, Device? device = null, ScalarType? dtype = null) =>
            new(normalized_shape, eps, elementwise_affine, bias, device, dtype);

        public static Dropout Dropout(double p = 0.5) => new(p);

        public static GELU GELU(string approximate = "none") => new(approximate);

        public static Identity Identity() => new();

        public static Embedding Embedding(long num_embeddings, long embedding_dims, Device? device = null, ScalarType? dtype = null) =>
            new(num_embeddings, embedding_dims, device, dtype);

        public static Sequential Sequential(params Module<Tensor, Tensor>[] modules) => new(modules.Select((m, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), m)));

        public static Sequential Sequential(params (string name, Module<Tensor, Tensor> module)[] modules) => new(modules);

        public static ModuleList<T> ModuleList<T>(params T[] modules)
            where T : Module => new(modules);

        public static Parameter Parameter(Tensor data, bool requires_grad = true) => new(data, requires_grad);

        /// <summary>Functional forms, as torch.nn.functional.</summary>
        public static class functional
        {
            private static TensorHandle H(Tensor? t) => t?.Handle ?? TensorHandle.Null;

            /// <summary>x·Wᵀ + b.</summary>
            public static Tensor linear(Tensor input, Tensor weights, Tensor? bias = null) =>
                Tensor.Wrap(NativeMethods.ht_linear(input.Handle, weights.Handle, H(bias)));

            public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, long[]? strides = null, long[]? padding = null,
                long[]? dilation = null, long groups = 1) =>
                Tensor.Wrap(NativeMethods.ht_conv2d(input.Handle, weight.Handle, H(bias), Pair(strides, 1, nameof(strides)),
                    Pair(padding, 0, nameof(padding)), Pair(dilation, 1, nameof(dilation)), groups));

            public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-05)
            {
                ArgumentNullException.ThrowIfNull(normalized_shape);
                return Tensor.Wrap(NativeMethods.ht_layer_norm(input.Handle, normalized_shape, normalized_shape.Length, H(weight), H(bias), eps));
            }

            public static Tensor gelu(Tensor x, string approximate = "none") => x.gelu(approximate);

            public static Tensor sigmoid(Tensor x) => x.sigmoid();

            public static Tensor relu(Tensor x) => x.relu();

            public static Tensor silu(Tensor x) => x.silu();

            public static Tensor tanh(Tensor x) => x.tanh();

            public static Tensor softmax(Tensor input, long dim, ScalarType? dtype = null) => input.softmax(dim, dtype);

            public static Tensor log_softmax(Tensor input, long dim, ScalarType? dtype = null) => input.log_softmax(dim, dtype);

            /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p), when training.</summary>
            public static Tensor dropout(Tensor input, double p = 0.5, bool training = true)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
                ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
                return Tensor.Wrap(NativeMethods.ht_dropout(input.Handle, p, training ? 1 : 0));
            }

            /// <summary>Cross entropy of logits [N, C] (or [N, C, ...]) against class indices (int64) or class probabilities.</summary>
            public static Tensor cross_entropy(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100,
                Reduction reduction = Reduction.Mean, double label_smoothing = 0.0) =>
                Tensor.Wrap(NativeMethods.ht_cross_entropy(input.Handle, target.Handle, H(weight), (long)reduction, ignore_index, label_smoothing));

            public static Tensor nll_loss(Tensor input, Tensor target, Tensor? weight = null, long ignore_index = -100, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.ht_nll_loss(input.Handle, target.Handle, H(weight), (long)reduction, ignore_index));

            public static Tensor mse_loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.ht_mse_loss(input.Handle, target.Handle, (long)reduction));

            public static Tensor binary_cross_entropy_with_logits(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
                Tensor.Wrap(NativeMethods.ht_bce_with_logits(input.Handle, target.Handle, (long)reduction));

            public static Tensor one_hot(Tensor x, long num_classes = -1) => Tensor.Wrap(NativeMethods.ht_one_hot(x.Handle, num_classes));

            public static Tensor embedding(Tensor input, Tensor weight) => Tensor.Wrap(NativeMethods.ht_embedding(weight.Handle, input.Handle));

            public static Tensor avg_pool2d(Tensor input, long[] kernelSize, long[]? strides = null, long[]? padding = null) =>
                Tensor.Wrap(NativeMethods.ht_avg_pool2d(input.Handle, Pair(kernelSize, 1, nameof(kernelSize)), Pair(strides ?? kernelSize, 1, nameof(strides)), Pair(padding, 0, nameof(padding))));

            public static Tensor max_pool2d(Tensor input, long[] kernelSize, long[]? strides = null, long[]? padding = null) =>
                Tensor.Wrap(NativeMethods.ht_max_pool2d(input.Handle, Pair(kernelSize, 1, nameof(kernelSize)), Pair(strides ?? kernelSize, 1, nameof(strides)), Pair(padding, 0, nameof(padding))));

            /// <summary>Constant padding; <paramref name="pad"/> lists (before, after) pairs from the last dimension backwards.</summary>
            public static Tensor pad(Tensor input, long[] pad, double value = 0)
            {
                ArgumentNullException.ThrowIfNull(pad);
                return Tensor.Wrap(NativeMethods.ht_pad(input.Handle, pad, pad.Length, value));
            }

            private static long[] Pair(long[]? values, long fallback, string name) => values switch
            {
                null => [fallback, fallback],
                [var v] => [v, v],
                [var a, var b] => [a, b],
                _ => throw new ArgumentException($"{name} takes one or two values, not {values.Length}", name),
            };
        }

        /// <summary>In-place initialisers (run without recording gradients), as torch.nn.init.</summary>
        public static class init
        {
            public enum FanInOut
            {
                FanIn,
                FanOut,
            }

            public static Tensor normal_(Tensor tensor, double mean = 0, double std = 1)
            {
                using var g = no_grad();
                return tensor.normal_(mean, std);
            }

            public static Tensor uniform_(Tensor tensor, double low = 0, double high = 1)
            {
                using var g = no_grad();
                return tensor.uniform_(low, high);
            }

            public static Tensor constant_(Tensor tensor, double val)
            {
                using var g = no_grad();
                return tensor.fill_(val);
            }

            public static Tensor zeros_(Tensor tensor) => constant_(tensor, 0);

            public static Tensor ones_(Tensor tensor) => constant_(tensor, 1);

            /// <summary>N(mean, std²) truncated to [a, b] (the ViT initialisation).</summary>
            public static Tensor trunc_normal_(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(std);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(a, b);
                TorchException.Check(NativeMethods.ht_trunc_normal_(tensor.Handle, mean, std, a, b));
                return tensor;
            }

            public static Tensor xavier_uniform_(Tensor tensor, double gain = 1)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return uniform_(tensor, -bound, bound);
            }

            public static Tensor xavier_normal_(Tensor tensor, double gain = 1)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                return normal_(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
            }

            /// <summary>He initialisation for a leaky ReLU of slope <paramref name="a"/> (a = √5 gives nn.Linear's default).</summary>
            public static Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn)
            {
                var fan = Fan(tensor, mode);
                var gain = Math.Sqrt(2.0 / (1 + (a * a)));
                var bound = Math.Sqrt(3.0) * gain / Math.Sqrt(fan);
                return uniform_(tensor, -bound, bound);
            }

            public static Tensor kaiming_normal_(Tensor tensor, double a = 0, FanInOut mode = FanInOut.FanIn)
            {
                var fan = Fan(tensor, mode);
                var gain = Math.Sqrt(2.0 / (1 + (a * a)));
                return normal_(tensor, 0, gain / Math.Sqrt(fan));
            }

            private static long Fan(Tensor tensor, FanInOut mode)
            {
                var (fanIn, fanOut) = CalculateFanInAndFanOut(tensor);
                return mode == FanInOut.FanIn ? fanIn : fanOut;
            }

            /// <summary>Inputs and outputs per unit of a weight [out, in, *kernel].</summary>
            public static (long fanIn, long fanOut) CalculateFanInAndFanOut(Tensor tensor)
            {
                ArgumentNullException.ThrowIfNull(tensor);
                var shape = tensor.shape;
                if (shape.Length < 2)
                {
                    throw new ArgumentException($"fan in and fan out need a tensor of at least 2 dimensions, not {shape.Length}", nameof(tensor));
                }

                var receptive = shape.Skip(2).Aggregate(1L, (x, y) => x * y);
                return (shape[1] * receptive, shape[0] * receptive);
            }
        }

        public static class utils
        {
            /// <summary>
            /// Scales the gradients of <paramref name="tensors"/> so that their joint norm is at most
            /// <paramref name="max_norm"/>; returns the norm before clipping (torch.nn.utils.clip_grad_norm_).
            /// </summary>
            public static double clip_grad_norm_(IEnumerable<Tensor> tensors, double max_norm, double norm_type = 2.0, bool error_if_nonfinite = false)
            {
                ArgumentNullException.ThrowIfNull(tensors);
                var list = tensors.ToList();
                using var handles = new HandleArray(list);
                TorchException.Check(NativeMethods.ht_clip_grad_norm(handles.Pointers, list.Count, max_norm, norm_type, error_if_nonfinite ? 1 : 0, out var total));
                return total;
            }
        }
    }
}
#pragma warning restore CA1707, IDE1006
