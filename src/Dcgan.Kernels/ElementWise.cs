// The one loop of every element-wise kernel, after System.Numerics.Tensors' TensorPrimitives: operators
// (ElementWiseOperators.cs) give the bodies; this driver picks the width, loops, takes the remainder, splits long spans.
namespace Dcgan.Kernels;

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

/// <summary>Floats per step of the element-wise loops.</summary>
internal enum VectorWidth
{
    Scalar = 1,
    Vector256 = 8,
    Vector512 = 16,
}

/// <summary>
/// Effectively destination[i] = op(x[i], y[i], z[i]) for every i. The bulk runs at <see cref="Width"/> (Vector512 only
/// where the hardware runs it natively, else Vector256, else scalar); after Vector512 one Vector256 step, then the
/// scalar body, take the remainder. An operator's bodies compute the same IEEE operations, so an element's bits never
/// depend on the width, the length, its position or the thread count. Inputs have one length, the destination is at
/// least as long, and it may be one of the inputs exactly but never overlap one partially.
/// </summary>
internal static unsafe class ElementWise
{
    /// <summary>Elements per parallel task: a fixed split, a multiple of every width.</summary>
    public const int ChunkLength = 1 << 14;

    private static VectorWidth _width = Widest;

    /// <summary>The widest width this machine accelerates.</summary>
    public static VectorWidth Widest =>
        Vector512.IsHardwareAccelerated ? VectorWidth.Vector512 : Vector256.IsHardwareAccelerated ? VectorWidth.Vector256 : VectorWidth.Scalar;

    /// <summary>The width the loops use: <see cref="Widest"/>, unless a test lowers it to check a narrower body.</summary>
    public static VectorWidth Width
    {
        get => _width;
        set
        {
            if (value > Widest || !Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), $"{value} is not a width this machine accelerates (widest: {Widest})");
            }
            _width = value;
        }
    }

    // The entry points inline into their callers, so the many short rows of batch norm and bias additions pay only
    // the checks and the loop. Long spans always go chunk by chunk, also on one thread (Workers.For then runs the
    // chunks inline): the loop is entered often enough for tiered compilation to promote it, as the old kernels were.

    /// <summary>Effectively destination[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Unary<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> destination)
        where TOp : unmanaged, IUnaryOperator
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pd = ref MemoryMarshal.GetReference(destination);
        CheckDestination(n, destination.Length);
        CheckOverlap(ref px, ref pd, n);
        if (n <= ChunkLength)
        {
            UnaryLoop(op, ref px, ref pd, n);
            return;
        }
        UnaryParallel(op, x, destination);
    }

    /// <summary>Effectively destination[i] = op(x[i], y[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Binary<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOp : unmanaged, IBinaryOperator
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pd = ref MemoryMarshal.GetReference(destination);
        CheckInput(n, y.Length);
        CheckDestination(n, destination.Length);
        CheckOverlap(ref px, ref pd, n);
        CheckOverlap(ref py, ref pd, n);
        if (n <= ChunkLength)
        {
            BinaryLoop(op, ref px, ref py, ref pd, n);
            return;
        }
        BinaryParallel(op, x, y, destination);
    }

    /// <summary>Effectively destination[i] = op(x[i], y[i], z[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ternary<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
        where TOp : unmanaged, ITernaryOperator
    {
        int n = x.Length;
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pz = ref MemoryMarshal.GetReference(z);
        ref float pd = ref MemoryMarshal.GetReference(destination);
        CheckInput(n, y.Length);
        CheckInput(n, z.Length);
        CheckDestination(n, destination.Length);
        CheckOverlap(ref px, ref pd, n);
        CheckOverlap(ref py, ref pd, n);
        CheckOverlap(ref pz, ref pd, n);
        if (n <= ChunkLength)
        {
            TernaryLoop(op, ref px, ref py, ref pz, ref pd, n);
            return;
        }
        TernaryParallel(op, x, y, z, destination);
    }

    /// <summary>Runs op over elements [0, length) of its arrays; long runs go in fixed chunks over the worker pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiArray<TOp>(TOp op, int length)
        where TOp : unmanaged, IMultiArrayOperator
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= ChunkLength)
        {
            MultiArrayLoop(op, 0, length);
            return;
        }
        ForChunks(length, new MultiArrayChunks<TOp> { Op = op });
    }

    private static void UnaryParallel<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> destination)
        where TOp : unmanaged, IUnaryOperator
    {
        fixed (float* px = x, pd = destination)
        {
            ForChunks(x.Length, new UnaryChunks<TOp> { Op = op, X = px, Destination = pd });
        }
    }

    private static void BinaryParallel<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        where TOp : unmanaged, IBinaryOperator
    {
        fixed (float* px = x, py = y, pd = destination)
        {
            ForChunks(x.Length, new BinaryChunks<TOp> { Op = op, X = px, Y = py, Destination = pd });
        }
    }

    private static void TernaryParallel<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> z, Span<float> destination)
        where TOp : unmanaged, ITernaryOperator
    {
        fixed (float* px = x, py = y, pz = z, pd = destination)
        {
            ForChunks(x.Length, new TernaryChunks<TOp> { Op = op, X = px, Y = py, Z = pz, Destination = pd });
        }
    }

    /// <summary>Runs body.Run(start, length) over [0, length) in fixed chunks of <see cref="ChunkLength"/> on the worker pool.</summary>
    private static void ForChunks<TBody>(int length, TBody body)
        where TBody : unmanaged, IChunkBody
    {
        var job = new ChunkJob<TBody> { Body = body, Length = length };
        Workers.For((length + ChunkLength - 1) / ChunkLength, &RunChunk<TBody>, &job);
    }

    /// <summary>The work on one chunk [start, start + length).</summary>
    private interface IChunkBody
    {
        void Run(int start, int length);
    }

    private struct ChunkJob<TBody>
        where TBody : unmanaged, IChunkBody
    {
        public TBody Body;
        public int Length;
    }

    private static void RunChunk<TBody>(void* state, int chunk)
        where TBody : unmanaged, IChunkBody
    {
        var job = (ChunkJob<TBody>*)state;
        int start = chunk * ChunkLength;
        job->Body.Run(start, Math.Min(ChunkLength, job->Length - start));
    }

    private static void UnaryLoop<TOp>(TOp op, ref float x, ref float destination, int n)
        where TOp : unmanaged, IUnaryOperator
    {
        VectorWidth width = TOp.Vectorizable ? _width : VectorWidth.Scalar;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && width == VectorWidth.Vector512)
        {
            for (; i <= n - 16; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref destination, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && width >= VectorWidth.Vector256)
        {
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i)).StoreUnsafe(ref destination, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref destination, i) = op.Invoke(Unsafe.Add(ref x, i));
        }
    }

    private static void BinaryLoop<TOp>(TOp op, ref float x, ref float y, ref float destination, int n)
        where TOp : unmanaged, IBinaryOperator
    {
        VectorWidth width = _width;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && width == VectorWidth.Vector512)
        {
            for (; i <= n - 16; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref destination, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && width >= VectorWidth.Vector256)
        {
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref destination, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref destination, i) = op.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i));
        }
    }

    private static void TernaryLoop<TOp>(TOp op, ref float x, ref float y, ref float z, ref float destination, int n)
        where TOp : unmanaged, ITernaryOperator
    {
        VectorWidth width = _width;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && width == VectorWidth.Vector512)
        {
            for (; i <= n - 16; i += 16)
            {
                op.Invoke(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), Vector512.LoadUnsafe(ref z, (nuint)i))
                    .StoreUnsafe(ref destination, (nuint)i);
            }
        }
        if (Vector256.IsHardwareAccelerated && width >= VectorWidth.Vector256)
        {
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), Vector256.LoadUnsafe(ref z, (nuint)i))
                    .StoreUnsafe(ref destination, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref destination, i) = op.Invoke(Unsafe.Add(ref x, i), Unsafe.Add(ref y, i), Unsafe.Add(ref z, i));
        }
    }

    private static void MultiArrayLoop<TOp>(TOp op, int start, int length)
        where TOp : unmanaged, IMultiArrayOperator
    {
        VectorWidth width = _width;
        int i = start, end = start + length;
        if (Vector512.IsHardwareAccelerated && width == VectorWidth.Vector512)
        {
            for (; i <= end - 16; i += 16)
            {
                op.Invoke512(i);
            }
        }
        if (Vector256.IsHardwareAccelerated && width >= VectorWidth.Vector256)
        {
            for (; i <= end - 8; i += 8)
            {
                op.Invoke256(i);
            }
        }
        for (; i < end; i++)
        {
            op.Invoke(i);
        }
    }

    private struct UnaryChunks<TOp> : IChunkBody
        where TOp : unmanaged, IUnaryOperator
    {
        public TOp Op;
        public float* X, Destination;

        public readonly void Run(int start, int length) => UnaryLoop(Op, ref X[start], ref Destination[start], length);
    }

    private struct BinaryChunks<TOp> : IChunkBody
        where TOp : unmanaged, IBinaryOperator
    {
        public TOp Op;
        public float* X, Y, Destination;

        public readonly void Run(int start, int length) => BinaryLoop(Op, ref X[start], ref Y[start], ref Destination[start], length);
    }

    private struct TernaryChunks<TOp> : IChunkBody
        where TOp : unmanaged, ITernaryOperator
    {
        public TOp Op;
        public float* X, Y, Z, Destination;

        public readonly void Run(int start, int length) => TernaryLoop(Op, ref X[start], ref Y[start], ref Z[start], ref Destination[start], length);
    }

    private struct MultiArrayChunks<TOp> : IChunkBody
        where TOp : unmanaged, IMultiArrayOperator
    {
        public TOp Op;

        public readonly void Run(int start, int length) => MultiArrayLoop(Op, start, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckInput(int length, int inputLength)
    {
        if (inputLength != length)
        {
            ThrowLengths(length, inputLength);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckDestination(int length, int destinationLength)
    {
        if (destinationLength < length)
        {
            ThrowDestination(length, destinationLength);
        }
    }

    /// <summary>The destination may be an input exactly (in place), but a shifted overlap would read values already written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckOverlap(ref float input, ref float destination, int length)
    {
        nint offset = Unsafe.ByteOffset(ref input, ref destination);
        if (offset != 0 && (offset < 0 ? -offset : offset) < (nint)length * sizeof(float))
        {
            ThrowOverlap();
        }
    }

    [DoesNotReturn]
    private static void ThrowLengths(int length, int inputLength) =>
        throw new ArgumentException($"element-wise inputs differ in length: {length} vs {inputLength}");

    [DoesNotReturn]
    private static void ThrowDestination(int length, int destinationLength) =>
        throw new ArgumentException($"element-wise destination holds {destinationLength} floats, the inputs {length}");

    [DoesNotReturn]
    private static void ThrowOverlap() => throw new ArgumentException("element-wise destination overlaps an input at a different start");
}
