// Tests of the progress display: a redrawn bar for terminals, a few plain lines for logs.
using Dcgan.Data;

namespace Dcgan.Data.Tests;

public sealed class ProgressBarTests
{
    [Fact]
    public void PlainOutputShowsQuartersThenDone()
    {
        var w = new StringWriter();
        var bar = new ProgressBar(w, "f.gz", 8 << 20, interactive: false);
        for (long done = 0; done <= 8 << 20; done += 1 << 16)
        {
            bar.Report(done);
        }
        bar.Finish(8 << 20);
        Assert.Equal(
            ["  f.gz: 25% (2.0 MB of 8.0 MB)", "  f.gz: 50% (4.0 MB of 8.0 MB)", "  f.gz: 75% (6.0 MB of 8.0 MB)", "  f.gz: done (8.0 MB)"],
            w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void SmallFilesGetOneLine()
    {
        var w = new StringWriter();
        var bar = new ProgressBar(w, "labels", 10_008, interactive: false);
        bar.Report(5000);
        bar.Finish(10_008);
        Assert.Equal("  labels: done (9.8 KB)" + Environment.NewLine, w.ToString());
    }

    [Fact]
    public void TerminalOutputRedrawsABar()
    {
        var w = new StringWriter();
        var bar = new ProgressBar(w, "x", 1 << 20, interactive: true);
        bar.Finish(1 << 19);
        Assert.Equal("\r  x [###############...............]  50% 512.0 KB of 1.0 MB" + Environment.NewLine, w.ToString());
        Assert.False(ProgressBar.IsTerminal(w));
    }
}
