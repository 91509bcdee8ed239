// Reader for NumPy's .npz (a zip of .npy members, stored or deflated) as Keras caches mnist.npz, and for the
// .npy format itself (versions 1-3: magic "\x93NUMPY", a little-endian header length, a Python dict literal).
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Dcgan.Data;

/// <summary>Reads uint8 arrays from .npz archives and .npy streams.</summary>
public static partial class NpzReader
{
    /// <summary>Reads the named members (without the ".npy" suffix) of an .npz file; each must exist and be uint8.</summary>
    public static IReadOnlyDictionary<string, ByteTensor> Read(string path, params string[] members)
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (FileNotFoundException e)
        {
            throw new DataException($"{path}: file not found", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DataException($"{path}: folder not found", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataException($"{path}: permission denied", e);
        }
        catch (InvalidDataException e)
        {
            throw new DataException($"{path}: not a valid .npz (zip) archive ({e.Message})", e);
        }
        using (zip)
        {
            var result = new Dictionary<string, ByteTensor>(StringComparer.Ordinal);
            foreach (string member in members)
            {
                ZipArchiveEntry? entry = zip.GetEntry(member + ".npy") ?? zip.GetEntry(member);
                if (entry is null)
                {
                    string present = string.Join(", ", zip.Entries.Select(e => e.FullName));
                    throw new DataException($"{path}: member '{member}.npy' missing (archive has: {(present.Length == 0 ? "nothing" : present)})");
                }
                string name = $"{path}[{entry.FullName}]";
                try
                {
                    using Stream stream = entry.Open();
                    result[member] = ReadNpy(stream, name);
                }
                catch (InvalidDataException e)
                {
                    throw new DataException($"{name}: corrupt archive member ({e.Message})", e);
                }
            }
            return result;
        }
    }

    /// <summary>Reads one .npy array of uint8 (C order) from a stream; <paramref name="name"/> labels errors.</summary>
    public static ByteTensor ReadNpy(Stream stream, string name)
    {
        Span<byte> prefix = stackalloc byte[10];
        int got = stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8 || prefix[0] != 0x93 || !prefix[1..6].SequenceEqual("NUMPY"u8))
        {
            throw new DataException($"{name}: not a .npy array (missing the \\x93NUMPY magic)");
        }
        int major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            if (got < 10 && stream.ReadAtLeast(prefix[got..], 10 - got, throwOnEndOfStream: false) < 10 - got)
            {
                throw new DataException($"{name}: truncated .npy header");
            }
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        }
        else if (major is 2 or 3)
        {
            Span<byte> rest = stackalloc byte[12];
            prefix[..got].CopyTo(rest);
            if (got < 12 && stream.ReadAtLeast(rest[got..], 12 - got, throwOnEndOfStream: false) < 12 - got)
            {
                throw new DataException($"{name}: truncated .npy header");
            }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
            if (length > 1 << 20)
            {
                throw new DataException($"{name}: .npy header length {length} is implausible");
            }
            headerLength = (int)length;
        }
        else
        {
            throw new DataException($"{name}: unsupported .npy format version {major}.{prefix[7]}");
        }

        byte[] headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new DataException($"{name}: truncated .npy header");
        }
        // Version 3 allows UTF-8 in the header; versions 1 and 2 are latin-1, which is ASCII for every valid header.
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes).Trim();
        int[] shape = ParseHeader(header, name);

        long size = 1;
        foreach (int d in shape)
        {
            size *= d;
            if (size > Array.MaxLength)
            {
                throw new DataException($"{name}: shape ({string.Join(", ", shape)}) is too large");
            }
        }
        byte[] data = GC.AllocateUninitializedArray<byte>((int)size);
        got = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (got < data.Length)
        {
            throw new DataException($"{name}: truncated: shape ({string.Join(", ", shape)}) needs {size} bytes but only {got} follow the header");
        }
        int extra = stream.Read(stackalloc byte[1]);
        if (extra > 0)
        {
            throw new DataException($"{name}: extra bytes after the {string.Join("x", shape)} data the header claims");
        }
        return new ByteTensor(shape, data);
    }

    private static int[] ParseHeader(string header, string name)
    {
        Match descr = DescrPattern().Match(header);
        Match order = OrderPattern().Match(header);
        Match shape = ShapePattern().Match(header);
        if (!header.StartsWith('{') || !descr.Success || !order.Success || !shape.Success)
        {
            throw new DataException($"{name}: malformed .npy header (need 'descr', 'fortran_order' and 'shape'): {header}");
        }
        string dtype = descr.Groups[1].Value;
        if (dtype is not ("|u1" or "<u1" or ">u1" or "u1" or "=u1"))
        {
            throw new DataException($"{name}: dtype '{dtype}' is not supported, expected uint8 ('|u1')");
        }
        if (order.Groups[1].Value != "False")
        {
            throw new DataException($"{name}: fortran_order True is not supported, expected C order");
        }
        string[] parts = shape.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[] dims = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string p = parts[i].TrimEnd('L');
            if (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
            {
                throw new DataException($"{name}: bad shape ({shape.Groups[1].Value}) in .npy header");
            }
        }
        return dims;
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]*)['""]")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex OrderPattern();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
