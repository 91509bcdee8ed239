// Variable-code-size LZW compressor for GIF image data, per the GIF89a specification (CompuServe, 1990),
// appendix F: LSB-first code packing, clear/end codes, 12-bit code limit, 255-byte data sub-blocks.
namespace Dcgan.Imaging;

/// <summary>Compresses one frame of palette indices. Reusable across frames so its tables are allocated once.</summary>
internal sealed class GifLzw
{
    private const int MaxCodes = 4096;
    private const int HashSize = 8192; // twice the code count keeps linear probing short
    private const int HashShift = 32 - 13;

    private readonly int[] _keys = new int[HashSize];
    private readonly short[] _codes = new short[HashSize];
    private readonly byte[] _block = new byte[256];
    private int _blockLength;
    private ulong _bits;
    private int _bitCount;

    /// <summary>Writes the LZW minimum code size byte, the data sub-blocks and the block terminator.</summary>
    public void Encode(ReadOnlySpan<byte> indices, int minCodeSize, Stream output)
    {
        if (minCodeSize is < 2 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(minCodeSize));
        }
        if (indices.IsEmpty)
        {
            throw new ArgumentException("A frame has at least one pixel.", nameof(indices));
        }
        output.WriteByte((byte)minCodeSize);
        _blockLength = 0;
        _bits = 0;
        _bitCount = 0;

        int clear = 1 << minCodeSize;
        int end = clear + 1;
        int codeSize = minCodeSize + 1;
        int next = end + 1;
        ResetTable();
        // Starting with a clear code is what every mainstream encoder does and some decoders expect.
        Emit(clear, codeSize, output);

        int prefix = indices[0];
        for (int i = 1; i < indices.Length; i++)
        {
            int k = indices[i];
            int key = (prefix << 8) | k;
            int slot = Find(key);
            if (_keys[slot] == key)
            {
                prefix = _codes[slot];
                continue;
            }
            Emit(prefix, codeSize, output);
            // Reset one code before the 12-bit table is full, as common encoders do: the decoder then never
            // has to handle a full table, a corner some decoders get wrong. The clear goes out at 12 bits.
            if (next == MaxCodes - 1)
            {
                Emit(clear, codeSize, output);
                ResetTable();
                codeSize = minCodeSize + 1;
                next = end + 1;
            }
            else
            {
                _keys[slot] = key;
                _codes[slot] = (short)next;
                // Widen once a code we may emit needs one more bit. The decoder assigns this same entry one
                // code later but widens one entry earlier (when its next free code needs the bit), so both
                // switch width between the same two codes.
                if (next == 1 << codeSize)
                {
                    codeSize++;
                }
                next++;
            }
            prefix = k;
        }
        Emit(prefix, codeSize, output);
        // After the last data code the decoder still runs its widening check (its next free code now equals
        // ours); when that fires it reads the end code one bit wider, so send it that wide.
        if (next == 1 << codeSize && codeSize < 12)
        {
            codeSize++;
        }
        Emit(end, codeSize, output);

        if (_bitCount > 0)
        {
            PutByte((byte)_bits, output);
            _bits = 0;
            _bitCount = 0;
        }
        FlushBlock(output);
        output.WriteByte(0); // block terminator
    }

    private void ResetTable() => Array.Fill(_keys, -1);

    private int Find(int key)
    {
        int slot = (int)((uint)key * 0x9E3779B1u >> HashShift);
        while (_keys[slot] != -1 && _keys[slot] != key)
        {
            slot = (slot + 1) & (HashSize - 1);
        }
        return slot;
    }

    private void Emit(int code, int codeSize, Stream output)
    {
        _bits |= (ulong)code << _bitCount;
        _bitCount += codeSize;
        while (_bitCount >= 8)
        {
            PutByte((byte)_bits, output);
            _bits >>= 8;
            _bitCount -= 8;
        }
    }

    private void PutByte(byte value, Stream output)
    {
        _block[1 + _blockLength++] = value;
        if (_blockLength == 255)
        {
            FlushBlock(output);
        }
    }

    private void FlushBlock(Stream output)
    {
        if (_blockLength == 0)
        {
            return;
        }
        _block[0] = (byte)_blockLength;
        output.Write(_block, 0, _blockLength + 1);
        _blockLength = 0;
    }
}
