// A float32 buffer with a shape, batch dimension first; layers keep one per output and reuse it.
namespace Dcgan.Engine;

/// <summary>
/// A dense row-major float tensor. The buffer may be larger than the shape needs: layers allocate for
/// the largest batch they have seen and reuse it for smaller ones, so steady-state training allocates nothing.
/// </summary>
public sealed class Tensor
{
    private float[] _data;

    public Tensor(params int[] shape)
    {
        Shape = (int[])shape.Clone();
        _data = new float[ElementCount(Shape)];
    }

    private Tensor(float[] data, int[] shape)
    {
        _data = data;
        Shape = shape;
    }

    /// <summary>The shape, batch first (e.g. N, H, W, C).</summary>
    public int[] Shape { get; }

    /// <summary>Elements in use: the product of the shape.</summary>
    public int Length => ElementCount(Shape);

    /// <summary>The batch size (the first dimension).</summary>
    public int Batch => Shape[0];

    /// <summary>Elements per batch item.</summary>
    public int SampleSize => Shape.Length == 1 ? 1 : ElementCount(Shape.AsSpan(1));

    /// <summary>The elements in use.</summary>
    public Span<float> Span => _data.AsSpan(0, Length);

    /// <summary>The underlying buffer (may be longer than <see cref="Length"/>).</summary>
    public float[] Buffer => _data;

    /// <summary>Wraps existing values (copied) in a tensor of the given shape.</summary>
    public static Tensor From(ReadOnlySpan<float> values, params int[] shape)
    {
        var t = new Tensor(shape);
        if (values.Length != t.Length)
        {
            throw new ArgumentException($"{values.Length} values do not fill shape {Format(shape)}");
        }
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>A tensor for <paramref name="batch"/> items of <paramref name="sampleShape"/>.</summary>
    public static Tensor ForBatch(int batch, ReadOnlySpan<int> sampleShape)
    {
        int[] shape = new int[sampleShape.Length + 1];
        shape[0] = batch;
        sampleShape.CopyTo(shape.AsSpan(1));
        return new Tensor(shape);
    }

    /// <summary>Sets the batch size, growing the buffer only when it is too small (contents then undefined).</summary>
    public void SetBatch(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Shape[0] = batch;
        Scratch.Grow(ref _data, Length);
    }

    /// <summary>A view sharing this buffer with another shape of the same length (Reshape, Flatten).</summary>
    public Tensor View(params int[] shape)
    {
        if (ElementCount(shape) != Length)
        {
            throw new ArgumentException($"cannot view {Format(Shape)} as {Format(shape)}");
        }
        return new Tensor(_data, (int[])shape.Clone());
    }

    /// <summary>
    /// Like <see cref="View"/> for (Batch, sampleShape), but reuses <paramref name="view"/> when it already wraps this
    /// buffer, so a layer that reshapes every step allocates only when the buffer changes.
    /// </summary>
    internal Tensor ReuseView(ref Tensor? view, ReadOnlySpan<int> sampleShape)
    {
        if ((long)Batch * ElementCount(sampleShape) != Length)
        {
            throw new ArgumentException($"cannot view {Format(Shape)} as {Format([Batch, .. sampleShape])}");
        }
        return Over(ref view, _data, Batch, sampleShape);
    }

    /// <summary>Shape written like (256, 7, 7, 128).</summary>
    public static string Format(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    public override string ToString() => $"Tensor{Format(Shape)}";

    /// <summary>
    /// A tensor of (batch, sampleShape) over <paramref name="data"/> (at least that long), reusing <paramref name="view"/>
    /// when it already wraps that array, so a caller that re-wraps the same buffer every step allocates only when it changes.
    /// </summary>
    internal static Tensor Over(ref Tensor? view, float[] data, int batch, ReadOnlySpan<int> sampleShape)
    {
        if (view is null || !ReferenceEquals(view._data, data) || view.Shape.Length != sampleShape.Length + 1)
        {
            view = new Tensor(data, new int[sampleShape.Length + 1]);
        }
        view.Shape[0] = batch;
        sampleShape.CopyTo(view.Shape.AsSpan(1));
        if (view.Length > data.Length)
        {
            throw new ArgumentException($"{Format(view.Shape)} does not fit {data.Length} floats");
        }
        return view;
    }

    /// <summary>The elements of a tensor of this shape (the product of its dimensions).</summary>
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        return checked((int)n);
    }
}
