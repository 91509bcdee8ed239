// Small element-wise span helpers used by the layer kernels, each an operator of the element-wise driver (ElementWise.cs).
namespace Dcgan.Kernels;

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

/// <summary>Element-wise span helpers; each says what it effectively computes.</summary>
public static unsafe class VectorMath
{
    /// <summary>Effectively destination[i] += source[i].</summary>
    public static void AddInPlace(Span<float> destination, ReadOnlySpan<float> source)
    {
        int n = destination.Length;
        if (source.Length < n)
        {
            throw new ArgumentException("source shorter than destination");
        }
        ElementWise.Binary(default(AddOperator), destination, source[..n], destination);
    }

    /// <summary>
    /// Effectively, for k = 0, 1, ... in order, destination[i] += addends[k * destination.Length + i]: partial sums (each
    /// destination's length, one after another) added in the order that fixes the bits. In blocks over the worker
    /// threads, cut by the length alone.
    /// </summary>
    public static void AddInOrder(ReadOnlySpan<float> addends, Span<float> destination)
    {
        int n = destination.Length;
        if (n == 0 ? !addends.IsEmpty : addends.Length % n != 0)
        {
            throw new ArgumentException($"{addends.Length} floats are not whole copies of {n}");
        }
        if (addends.IsEmpty)
        {
            return;
        }
        // At least 64 floats a task, at most 64 tasks but for long spans, whose blocks stop at ChunkLength.
        int perTask = Math.Clamp(CeilDiv(CeilDiv(n, 64), 16) * 16, 64, ElementWise.ChunkLength);
        fixed (float* pa = addends, pd = destination)
        {
            var job = new RowsJob { Matrix = pa, Destination = pd, Rows = addends.Length / n, Cols = n, PerTask = perTask };
            Workers.For(CeilDiv(n, perTask), &AddInOrderTask, &job);
        }
    }

    /// <summary>Effectively matrix[r, c] += bias[c] for every row r of a (rows x bias.Length) matrix.</summary>
    public static void AddRowVector(Span<float> matrix, ReadOnlySpan<float> bias)
    {
        int cols = bias.Length;
        if (cols == 0)
        {
            return;
        }
        int rows = matrix.Length / cols;
        fixed (float* pm = matrix, pb = bias)
        {
            var job = new RowsJob { Matrix = pm, Destination = pm, Vector = pb, Rows = rows, Cols = cols, PerTask = RowsPerTask(cols) };
            Workers.For(CeilDiv(rows, job.PerTask), &AddRowVectorTask, &job);
        }
    }

    /// <summary>Effectively sums[c] += sum over rows r of matrix[r, c] (rows x sums.Length, row-major).</summary>
    public static void AddColumnSums(ReadOnlySpan<float> matrix, Span<float> sums)
    {
        int cols = sums.Length;
        if (cols == 1)
        {
            double total = 0;
            foreach (float v in matrix)
            {
                total += v;
            }
            sums[0] += (float)total;
            return;
        }
        if (cols == 0)
        {
            return;
        }
        // Each column of a run of RowRun rows is summed row by row, in row order, by one task, then the runs' sums are added
        // to sums in run order: the same additions whatever the split of the columns or the thread count. A matrix of one run
        // adds its rows to sums directly.
        int rows = matrix.Length / cols;
        int blocks = CeilDiv(cols, ColumnBlock), runs = CeilDiv(rows, RowRun);
        int blocksPerTask = Math.Clamp(CeilDiv(blocks * runs, 4 * Workers.Threads), 1, blocks);
        fixed (float* pm = matrix, ps = sums)
        {
            var job = new RowsJob { Matrix = pm, Destination = ps, Rows = rows, Cols = cols, PerTask = blocksPerTask * ColumnBlock };
            int columnTasks = CeilDiv(cols, job.PerTask);
            if (runs == 1)
            {
                Workers.For(columnTasks, &ColumnSumsTask, &job);
                return;
            }
            _runSums ??= [];
            var runSums = CacheAligned.Floats(ref _runSums, runs * cols);
            job.Vector = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(runSums));
            Workers.For(runs * columnTasks, &RunColumnSumsTask, &job);
            AddInOrder(runSums, sums);
        }
    }

    /// <summary>Rows a column-sum task sums before its sums are added to the others: tall matrices (a convolution's output gradient) split into runs for the threads.</summary>
    private const int RowRun = 2048;

    /// <summary>Each run's column sums, runs x cols, on the thread that calls <see cref="AddColumnSums"/>.</summary>
    [ThreadStatic]
    private static float[]? _runSums;

    /// <summary>Columns a column-sum task takes at a time: one Vector512, or two Vector256.</summary>
    private const int ColumnBlock = 16;

    /// <summary>Rows per task of the row-wise kernels: about <see cref="ElementWise.ChunkLength"/> floats.</summary>
    private static int RowsPerTask(int cols) => Math.Max(1, ElementWise.ChunkLength / cols);

    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    /// <summary>A row-major matrix and what a row-wise kernel does to it.</summary>
    private struct RowsJob
    {
        public float* Matrix;
        public float* Destination;
        public float* Vector;
        public int Rows;
        public int Cols;
        // Rows per task (columns per task for the column sums and AddInOrder).
        public int PerTask;
    }

    private static void AddRowVectorTask(void* state, int task)
    {
        ref RowsJob job = ref *(RowsJob*)state;
        int first = task * job.PerTask, end = Math.Min(job.Rows, first + job.PerTask), cols = job.Cols;
        var bias = new ReadOnlySpan<float>(job.Vector, cols);
        for (int r = first; r < end; r++)
        {
            var row = new Span<float>(job.Matrix + (long)r * cols, cols);
            ElementWise.Binary(default(AddOperator), row, bias, row);
        }
    }

    private static void ScaleRowsTask(void* state, int task)
    {
        ref RowsJob job = ref *(RowsJob*)state;
        int first = task * job.PerTask, end = Math.Min(job.Rows, first + job.PerTask), cols = job.Cols;
        for (int r = first; r < end; r++)
        {
            ElementWise.Unary(new ScaleOperator(job.Vector[r]), new ReadOnlySpan<float>(job.Matrix + (long)r * cols, cols),
                new Span<float>(job.Destination + (long)r * cols, cols));
        }
    }

    private static void ColumnSumsTask(void* state, int task)
    {
        ref RowsJob job = ref *(RowsJob*)state;
        int c0 = task * job.PerTask;
        AddColumns(job.Matrix, job.Rows, job.Cols, c0, Math.Min(job.Cols, c0 + job.PerTask), job.Destination);
    }

    /// <summary>One run of rows and one block of columns: the run's sums of those columns, from zero, to the run's row of Vector.</summary>
    private static void RunColumnSumsTask(void* state, int task)
    {
        ref RowsJob job = ref *(RowsJob*)state;
        int columnTasks = CeilDiv(job.Cols, job.PerTask), run = task / columnTasks, c0 = task % columnTasks * job.PerTask;
        int end = Math.Min(job.Cols, c0 + job.PerTask), r0 = run * RowRun;
        float* runSums = job.Vector + (long)run * job.Cols;
        new Span<float>(runSums + c0, end - c0).Clear();
        AddColumns(job.Matrix + (long)r0 * job.Cols, Math.Min(RowRun, job.Rows - r0), job.Cols, c0, end, runSums);
    }

    /// <summary>A block of the destination plus that block of every row of the addends, row after row.</summary>
    private static void AddInOrderTask(void* state, int task)
    {
        ref RowsJob job = ref *(RowsJob*)state;
        int c0 = task * job.PerTask, n = Math.Min(job.Cols, c0 + job.PerTask) - c0;
        var destination = new Span<float>(job.Destination + c0, n);
        for (int r = 0; r < job.Rows; r++)
        {
            AddInPlace(destination, new ReadOnlySpan<float>(job.Matrix + (long)r * job.Cols + c0, n));
        }
    }

    /// <summary>sums[c] += matrix[r, c] for r in order, for the columns c in [c0, end) of a rows x cols row-major matrix.</summary>
    private static void AddColumns(float* matrix, int rows, int cols, int c0, int end, float* sums)
    {
        int c = c0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; c + 16 <= end; c += 16)
            {
                var total = Vector512.Load(sums + c);
                float* p = matrix + c;
                for (int r = 0; r < rows; r++, p += cols)
                {
                    total += Vector512.Load(p);
                }
                total.Store(sums + c);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c + 8 <= end; c += 8)
            {
                var total = Vector256.Load(sums + c);
                float* p = matrix + c;
                for (int r = 0; r < rows; r++, p += cols)
                {
                    total += Vector256.Load(p);
                }
                total.Store(sums + c);
            }
        }
        for (; c < end; c++)
        {
            float total = sums[c];
            float* p = matrix + c;
            for (int r = 0; r < rows; r++, p += cols)
            {
                total += *p;
            }
            sums[c] = total;
        }
    }

    /// <summary>Effectively average[i] = decay * average[i] + (1 - decay) * values[i] (an exponential moving average).</summary>
    public static void MovingAverage(Span<float> average, ReadOnlySpan<float> values, float decay)
    {
        if (values.Length != average.Length)
        {
            throw new ArgumentException("moving average: lengths differ");
        }
        ElementWise.Binary(new MovingAverageOperator(decay, 1f - decay), average, values, average);
    }

    /// <summary>Effectively destination[i] = source[i] * scale.</summary>
    public static void Scale(ReadOnlySpan<float> source, float scale, Span<float> destination)
    {
        if (source.Length < destination.Length)
        {
            throw new ArgumentException("source shorter than destination");
        }
        ElementWise.Unary(new ScaleOperator(scale), source[..destination.Length], destination);
    }

    /// <summary>
    /// Effectively destination[r, j] = source[r, j] * rowScales[r] for a matrix of rowScales.Length rows filling
    /// destination (a batch scaled sample by sample).
    /// </summary>
    public static void ScaleRows(ReadOnlySpan<float> source, ReadOnlySpan<float> rowScales, Span<float> destination)
    {
        int rows = rowScales.Length;
        if (rows == 0 || destination.Length % rows != 0 || source.Length < destination.Length)
        {
            throw new ArgumentException($"{destination.Length} floats do not split into {rows} rows, or the source is shorter");
        }
        int size = destination.Length / rows;
        if (size == 0)
        {
            return;
        }
        ref float s0 = ref MemoryMarshal.GetReference(source);
        ref float d0 = ref MemoryMarshal.GetReference(destination);
        if (!Unsafe.AreSame(ref s0, ref d0) && Unsafe.IsAddressLessThan(ref s0, ref Unsafe.Add(ref d0, destination.Length))
            && Unsafe.IsAddressLessThan(ref d0, ref Unsafe.Add(ref s0, destination.Length)))
        {
            throw new ArgumentException("source and destination overlap in part");
        }
        fixed (float* ps = source, pd = destination, pr = rowScales)
        {
            var job = new RowsJob { Matrix = ps, Destination = pd, Vector = pr, Rows = rows, Cols = size, PerTask = RowsPerTask(size) };
            Workers.For(CeilDiv(rows, job.PerTask), &ScaleRowsTask, &job);
        }
    }

    /// <summary>
    /// Effectively changed = (destination differs from source in any bit); destination = source; returns changed. In
    /// chunks over the worker threads, each compared and copied only where it differs: a layer's check that its weights are
    /// the ones it prepared last (a large kernel is megabytes, read twice).
    /// </summary>
    public static bool CopyIfChanged(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"{source.Length} floats to copy into {destination.Length}");
        }
        fixed (float* ps = source, pd = destination)
        {
            var job = new CopyJob { Source = ps, Destination = pd, Length = source.Length };
            Workers.For(CeilDiv(source.Length, ElementWise.ChunkLength), &CopyIfChangedTask, &job);
            return job.Changed != 0;
        }
    }

    private struct CopyJob
    {
        public float* Source;
        public float* Destination;
        public int Length;
        // Set to 1 by any chunk that differed.
        public int Changed;
    }

    private static void CopyIfChangedTask(void* state, int task)
    {
        ref CopyJob job = ref *(CopyJob*)state;
        int first = task * ElementWise.ChunkLength, n = Math.Min(ElementWise.ChunkLength, job.Length - first);
        var source = new ReadOnlySpan<int>(job.Source + first, n);
        var destination = new Span<int>(job.Destination + first, n);
        if (!source.SequenceEqual(destination))
        {
            source.CopyTo(destination);
            Volatile.Write(ref job.Changed, 1);
        }
    }

    /// <summary>destination[i] = 0, in fixed chunks over the worker threads when it is long (a model's gradients).</summary>
    public static void Clear(Span<float> destination)
    {
        fixed (float* pd = destination)
        {
            ElementWise.MultiArray(new ZeroOperator { Destination = pd }, destination.Length);
        }
    }

    /// <summary>Element i: destination[i] = 0.</summary>
    private struct ZeroOperator : IMultiArrayOperator
    {
        public float* Destination;

        public readonly void Invoke(int i) => Destination[i] = 0f;

        public readonly void Invoke256(int i) => Vector256<float>.Zero.Store(Destination + i);

        public readonly void Invoke512(int i) => Vector512<float>.Zero.Store(Destination + i);
    }

    /// <summary>Effectively destination[i] = a[i] * b[i].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> destination)
    {
        int n = destination.Length;
        if (a.Length < n || b.Length < n)
        {
            throw new ArgumentException("inputs shorter than destination");
        }
        ElementWise.Binary(default(MultiplyOperator), a[..n], b[..n], destination);
    }

    /// <summary>(average, value) to decay * average + rest * value, rest being 1 - decay rounded once.</summary>
    internal readonly struct MovingAverageOperator(float decay, float rest) : IBinaryOperator
    {
        public float Invoke(float average, float value) => decay * average + rest * value;

        public Vector256<float> Invoke(Vector256<float> average, Vector256<float> value) => average * decay + value * rest;

        public Vector512<float> Invoke(Vector512<float> average, Vector512<float> value) => average * decay + value * rest;
    }
}
