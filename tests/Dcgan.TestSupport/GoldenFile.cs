// Reader for the golden test data written by tests/golden/make_golden.py (format "DCG1", described in
// tests/golden/README.md): named float32 tensors with Keras/TF layouts, computed in float64 by PyTorch.
using System.Text;

namespace Dcgan.TestSupport;

/// <summary>One golden case file: an ordered set of named float32 tensors (rank 0 = scalar).</summary>
public sealed class GoldenFile
{
    private static readonly byte[] Magic = "DCG1"u8.ToArray();
    private static readonly Lazy<string> DirectoryPath = new(FindDirectory);

    private readonly Dictionary<string, (int[] Shape, float[] Data)> _tensors;
    private readonly List<string> _names;

    private GoldenFile(string caseName, Dictionary<string, (int[] Shape, float[] Data)> tensors, List<string> names)
    {
        CaseName = caseName;
        _tensors = tensors;
        _names = names;
    }

    /// <summary>The case name (the file name without ".bin").</summary>
    public string CaseName { get; }

    /// <summary>The tensor names in file order.</summary>
    public IEnumerable<string> Names => _names;

    /// <summary>The folder holding the .bin files: the first "tests/golden" found walking up from the test binaries.</summary>
    public static string Directory => DirectoryPath.Value;

    /// <summary>Loads tests/golden/&lt;caseName&gt;.bin; throws if it is missing or malformed.</summary>
    public static GoldenFile Load(string caseName)
    {
        string path = Path.Combine(Directory, caseName + ".bin");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"golden case '{caseName}' not found (regenerate with /usr/bin/python3 tests/golden/make_golden.py)", path);
        }
        return Parse(File.ReadAllBytes(path), caseName);
    }

    /// <summary>Parses the bytes of a case file; throws <see cref="InvalidDataException"/> if they are malformed.</summary>
    public static GoldenFile Parse(ReadOnlySpan<byte> bytes, string caseName)
    {
        var reader = new SpanReader(bytes, caseName);
        if (!reader.Take(4).SequenceEqual(Magic))
        {
            throw reader.Error("bad magic (expected DCG1)");
        }
        int count = reader.Int32();
        if (count < 0)
        {
            throw reader.Error($"negative tensor count {count}");
        }
        var tensors = new Dictionary<string, (int[] Shape, float[] Data)>(count, StringComparer.Ordinal);
        var names = new List<string>(count);
        for (int k = 0; k < count; k++)
        {
            int nameLength = reader.Int32();
            if (nameLength <= 0 || nameLength > 4096)
            {
                throw reader.Error($"tensor {k}: bad name length {nameLength}");
            }
            string name = Encoding.UTF8.GetString(reader.Take(nameLength));
            int rank = reader.Int32();
            if (rank < 0 || rank > 8)
            {
                throw reader.Error($"tensor '{name}': bad rank {rank}");
            }
            var shape = new int[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++)
            {
                shape[d] = reader.Int32();
                if (shape[d] < 0)
                {
                    throw reader.Error($"tensor '{name}': negative dimension {shape[d]}");
                }
                elements *= shape[d];
                if (elements > int.MaxValue / 4)
                {
                    throw reader.Error($"tensor '{name}': too large");
                }
            }
            ReadOnlySpan<byte> raw = reader.Take(checked((int)elements * 4));
            var data = new float[elements];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4, 4)));
            }
            if (!tensors.TryAdd(name, (shape, data)))
            {
                throw reader.Error($"duplicate tensor name '{name}'");
            }
            names.Add(name);
        }
        if (!reader.AtEnd)
        {
            throw reader.Error("trailing bytes after the last tensor");
        }
        return new GoldenFile(caseName, tensors, names);
    }

    /// <summary>True if the file holds a tensor of that name.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>A copy of the tensor's values, row-major (C order), in the Keras/TF layout.</summary>
    public float[] Get(string name) => (float[])Entry(name).Data.Clone();

    /// <summary>A copy of the tensor's dimensions (empty for a scalar).</summary>
    public int[] Shape(string name) => (int[])Entry(name).Shape.Clone();

    /// <summary>The value of a one-element tensor (normally rank 0).</summary>
    public float Scalar(string name)
    {
        float[] data = Entry(name).Data;
        if (data.Length != 1)
        {
            throw new InvalidOperationException($"golden '{CaseName}': tensor '{name}' has {data.Length} elements, not a scalar");
        }
        return data[0];
    }

    private (int[] Shape, float[] Data) Entry(string name)
    {
        if (!_tensors.TryGetValue(name, out var entry))
        {
            throw new KeyNotFoundException($"golden '{CaseName}' has no tensor '{name}' (has: {string.Join(", ", _names)})");
        }
        return entry;
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "golden");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"no tests/golden folder above {AppContext.BaseDirectory}");
    }

    private ref struct SpanReader
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly string _caseName;
        private int _position;

        public SpanReader(ReadOnlySpan<byte> bytes, string caseName)
        {
            _bytes = bytes;
            _caseName = caseName;
            _position = 0;
        }

        public readonly bool AtEnd => _position == _bytes.Length;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count < 0 || count > _bytes.Length - _position)
            {
                throw Error($"truncated: need {count} bytes, {_bytes.Length - _position} left");
            }
            ReadOnlySpan<byte> slice = _bytes.Slice(_position, count);
            _position += count;
            return slice;
        }

        public int Int32() => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public readonly InvalidDataException Error(string message) =>
            new($"golden '{_caseName}' at byte {_position}: {message}");
    }
}
