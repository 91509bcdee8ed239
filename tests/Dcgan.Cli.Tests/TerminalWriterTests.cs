// A closed terminal fails every write with an I/O error; the console writers drop output from then on instead of
// throwing, so a training run stopped by SIGHUP still gets to write its checkpoint.
namespace Dcgan.Cli.Tests;

using System.Text;

public sealed class TerminalWriterTests
{
    /// <summary>A stream whose writes fail as a hung-up terminal's do (EIO).</summary>
    private sealed class HungUpStream : MemoryStream
    {
        public bool Closed { get; set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Closed)
            {
                throw new IOException("Input/output error");
            }
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Closed)
            {
                throw new IOException("Input/output error");
            }
            base.Write(buffer);
        }
    }

    [Fact]
    public void WritesAfterTheTerminalIsGoneAreDropped()
    {
        var stream = new HungUpStream();
        var writer = new TerminalWriter(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true });
        writer.WriteLine("epoch 1");
        Assert.False(writer.Lost);
        stream.Closed = true;
        writer.Write('x');
        writer.WriteLine("epoch 2");
        writer.Write("step 3 of 10".ToCharArray(), 0, 6);
        writer.Flush();
        Assert.True(writer.Lost);
        Assert.Equal("epoch 1\n", Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n"));
    }
}
