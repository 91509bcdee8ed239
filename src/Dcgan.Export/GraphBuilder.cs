// Builds an ONNX graph (onnx.proto's GraphProto) node by node: unique tensor names, float32 and int64 initializers,
// and the attribute kinds the exporter needs. Reference: onnx/docs/IR.md (graphs, names, initializers).
namespace Dcgan.Export;

using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

/// <summary>A graph under construction; every name it hands out is unique within the graph.</summary>
internal sealed class GraphBuilder(string name)
{
    private readonly HashSet<string> _names = [];

    public GraphProto Graph { get; } = new() { Name = name };

    /// <summary>How many float32 values the initializers hold.</summary>
    public long FloatValues { get; private set; }

    /// <summary>Declares a graph input of element type <paramref name="type"/>; a null dimension is the batch, "N".</summary>
    public string Input(string name, TensorProto.Types.DataType type, params long?[] dims)
    {
        Graph.Input.Add(ValueInfo(Claim(name), type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="name"/> (already produced by a node) a graph output.</summary>
    public void Output(string name, TensorProto.Types.DataType type, params long?[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>
    /// A float32 constant of shape <paramref name="dims"/> (row-major <paramref name="values"/>, stored little-endian as
    /// the format requires) named <paramref name="name"/>, or name_1, ... when taken; returns its name.
    /// </summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (a, b) => a * b))
        {
            throw new ArgumentException($"{name}: {values.Length} values for shape ({string.Join(", ", dims)})");
        }
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }
        var tensor = new TensorProto { Name = Claim(Fresh(name)), DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        FloatValues += values.Length;
        return tensor.Name;
    }

    /// <summary>A 1-D int64 constant (shapes for Reshape), named as <see cref="Floats"/> names; returns its name.</summary>
    public string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Claim(Fresh(name)), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>
    /// Adds a node of operator <paramref name="op"/> with one output, named <paramref name="stem"/> (or stem_1, ... when
    /// taken); returns the output's name.
    /// </summary>
    public string Node(string op, string stem, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = Claim(Fresh(stem));
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    private string Fresh(string stem)
    {
        string name = stem;
        for (int i = 1; _names.Contains(name); i++)
        {
            name = $"{stem}_{i}";
        }
        return name;
    }

    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private string Claim(string name) => _names.Add(name) ? name : throw new ArgumentException($"the graph already has a tensor named {name}");

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, long?[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long? d in dims)
        {
            shape.Dim.Add(d is long value ? new TensorShapeProto.Types.Dimension { DimValue = value } : new TensorShapeProto.Types.Dimension { DimParam = "N" });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
