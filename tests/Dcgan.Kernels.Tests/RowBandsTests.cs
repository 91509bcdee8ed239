// Row bands: which kernel rows each output row reads, the banded im2col order, and that skipping the padding taps
// changes nothing: banded gather/scatter agree exactly with the plain ones on every column a band reads.
namespace Dcgan.Kernels.Tests;

using Dcgan.Kernels;

public class RowBandsTests
{
    [Fact]
    public void BandsOfTheSeedLayers()
    {
        // Generator's first transposed conv (7x7, 5x5, stride 1): its conv geometry has 7 output rows and padding 2.
        Assert.Equal(
            [new RowBand(0, 1, 2, 5), new RowBand(1, 2, 1, 5), new RowBand(2, 5, 0, 5), new RowBand(5, 6, 0, 4), new RowBand(6, 7, 0, 3)],
            RowBands.Of(ConvGeometry.ForConvTranspose(7, 7, 128, 5, 5, 1, same: true)));
        // Discriminator's second conv (14x14 -> 7x7, stride 2): TF pads 1 on top and 2 at the bottom.
        Assert.Equal(
            [new RowBand(0, 1, 1, 5), new RowBand(1, 6, 0, 5), new RowBand(6, 7, 0, 3)],
            RowBands.Of(ConvGeometry.ForConv(14, 14, 64, 5, 5, 2, same: true)));
        // 'valid' padding reads the whole kernel everywhere: one band, plain image order.
        Assert.Equal([new RowBand(0, 10, 0, 5)], RowBands.Of(ConvGeometry.ForConv(14, 14, 3, 5, 5, 1, same: false)));
    }

    [Fact]
    public void LayersSplitOnlyWhereTheSkippedTapsOutweighTheCopies()
    {
        // The wide layers skip hundreds of multiply-adds per copied float; a 1-channel image's conv would skip 2.
        Assert.Equal(5, RowBands.Plan(ConvGeometry.ForConvTranspose(7, 7, 128, 5, 5, 1, same: true)).Length);
        Assert.Equal(3, RowBands.Plan(ConvGeometry.ForConv(14, 14, 64, 5, 5, 2, same: true)).Length);
        Assert.Equal(3, RowBands.Plan(ConvGeometry.ForConvTranspose(7, 7, 64, 5, 5, 2, same: true)).Length);
        Assert.Equal([new RowBand(0, 14, 0, 5)], RowBands.Plan(ConvGeometry.ForConv(28, 28, 1, 5, 5, 2, same: true)));
        Assert.Equal([new RowBand(0, 14, 0, 5)], RowBands.Plan(ConvGeometry.ForConvTranspose(14, 14, 1, 5, 5, 2, same: true)));
    }

    [Fact]
    public void BandedRowsAreBandThenImageThenRow()
    {
        var g = ConvGeometry.ForConv(14, 14, 64, 5, 5, 2, same: true);
        var bands = RowBands.Of(g);
        // Three images: band 0 (row 0) takes rows 0..20, band 1 (rows 1..5) rows 21..125, band 2 (row 6) the rest.
        Assert.Equal([0, 21, 126], bands.Select(b => b.FirstRow(g, 3)));
        Assert.Equal([21, 105, 21], bands.Select(b => b.RowCount(g, 3)));
        Assert.Equal((320, 1280), (bands[0].FirstColumn(g), bands[0].Columns(g)));
        Assert.Equal((0, 960), (bands[2].FirstColumn(g), bands[2].Columns(g)));

        int channels = 2, floats = 3 * g.OutPixels * channels;
        float[] image = Enumerable.Range(0, floats).Select(i => (float)i).ToArray();
        float[] banded = new float[floats], back = new float[floats];
        RowBands.ToBanded(g, bands, 3, channels, image, banded);
        // Banded row 21 is image 0's output row 1, column 0; banded row 56 is image 1's row 1 (35 rows later).
        Assert.Equal(image[1 * g.OutW * channels], banded[21 * channels]);
        Assert.Equal(image[(g.OutPixels + g.OutW) * channels], banded[56 * channels]);
        RowBands.FromBanded(g, bands, 3, channels, banded, back);
        Assert.Equal(image, back);
    }

    public static TheoryData<int, int, int, int, int, bool> Geometries() => new()
    {
        { 7, 7, 3, 5, 1, true },
        { 14, 14, 2, 5, 2, true },
        { 28, 28, 1, 5, 2, true },
        { 9, 6, 2, 3, 2, true },
        { 8, 8, 2, 4, 3, true },
        { 6, 6, 2, 3, 1, false },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void BandedGatherAndScatterAgreeWithThePlainOnesOnEveryTapTheyRead(int h, int w, int c, int k, int s, bool same)
    {
        var g = ConvGeometry.ForConv(h, w, c, k, k, s, same);
        var bands = RowBands.Of(g);
        const int n = 3;
        var rng = new Rng(17);
        float[] x = new float[n * h * w * c];
        rng.FillUniform(x, -1f, 1f);
        int rows = n * g.OutPixels, patch = g.PatchSize;
        float[] plain = new float[rows * patch];
        Im2Col.Gather(g, n, x, plain);
        float[] banded = new float[rows * patch];
        banded.AsSpan().Fill(float.NaN); // columns a band does not read must never be written or read
        Im2Col.Gather(g, n, x, banded, bands);

        float[] plainOrder = new float[rows * patch];
        RowBands.FromBanded(g, bands, n, patch, banded, plainOrder);
        for (int r = 0; r < rows; r++)
        {
            int oh = r / g.OutW % g.OutH;
            RowBand band = bands.Single(b => oh >= b.Start && oh < b.End);
            for (int j = 0; j < patch; j++)
            {
                bool read = j >= band.FirstColumn(g) && j < band.FirstColumn(g) + band.Columns(g);
                if (read)
                {
                    Assert.Equal(plain[r * patch + j], plainOrder[r * patch + j]);
                }
                else
                {
                    // What the band skips is padding: zero in the plain gather, untouched in the banded one.
                    Assert.Equal(0f, plain[r * patch + j]);
                    Assert.True(float.IsNaN(plainOrder[r * patch + j]), $"row {r} column {j} was written");
                }
            }
        }

        // Scatter: the banded one ignores the skipped columns (still NaN) and gives the plain result bit for bit.
        float[] dPlain = new float[rows * patch];
        rng.FillUniform(dPlain, -1f, 1f);
        for (int r = 0; r < rows; r++)
        {
            int oh = r / g.OutW % g.OutH;
            RowBand band = bands.Single(b => oh >= b.Start && oh < b.End);
            dPlain.AsSpan(r * patch, band.FirstColumn(g)).Clear();
            dPlain.AsSpan(r * patch + band.FirstColumn(g) + band.Columns(g), patch - band.FirstColumn(g) - band.Columns(g)).Clear();
        }
        float[] dBanded = new float[rows * patch];
        RowBands.ToBanded(g, bands, n, patch, dPlain, dBanded);
        for (int r = 0; r < rows; r++)
        {
            int oh = r / g.OutW % g.OutH;
            RowBand band = bands.Single(b => oh >= b.Start && oh < b.End);
            int rb = band.FirstRow(g, n) + (r / g.OutPixels * band.Rows + oh - band.Start) * g.OutW + r % g.OutW;
            dBanded.AsSpan(rb * patch, band.FirstColumn(g)).Fill(float.NaN);
            dBanded.AsSpan(rb * patch + band.FirstColumn(g) + band.Columns(g), patch - band.FirstColumn(g) - band.Columns(g)).Fill(float.NaN);
        }
        float[] xPlain = new float[x.Length], xBanded = new float[x.Length];
        Im2Col.Scatter(g, n, dPlain, xPlain, accumulate: false);
        Im2Col.Scatter(g, n, dBanded, xBanded, accumulate: false, bands);
        Assert.Equal(xPlain, xBanded);
    }
}

/// <summary>
/// With fewer images than two a thread, im2col and col2im cut each image's rows into parts, one task each (and the banded
/// copies take a task per band and image): every thread count gives the bits of one thread, for a scatter too, whose
/// parts each add the sums that land in their rows in the whole image's order.
/// </summary>
[Collection(WorkersCollection.Name)]
public class Im2ColPartsTests
{
    public static TheoryData<int, int, int, int, int, bool> Geometries() => new()
    {
        { 7, 7, 64, 5, 1, true },
        { 14, 14, 64, 5, 2, true },
        { 32, 32, 64, 4, 2, true },
        { 28, 28, 1, 5, 2, true },
        { 9, 6, 2, 3, 2, false },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void GatherAndScatterGiveOneThreadsBitsOnEveryThreadCount(int h, int w, int c, int k, int s, bool same)
    {
        var g = ConvGeometry.ForConv(h, w, c, k, k, s, same);
        foreach (var bands in new[] { RowBands.Of(g), [new RowBand(0, g.OutH, 0, g.KH)] })
        {
            foreach (int n in new[] { 1, 3 })
            {
                var one = Run(g, bands, n, threads: 1);
                foreach (int threads in new[] { 2, 3, 8, 16 })
                {
                    var other = Run(g, bands, n, threads);
                    Assert.True(one.Cols.AsSpan().SequenceEqual(other.Cols), $"gather, {threads} threads, {n} images, {bands.Length} bands");
                    Assert.True(one.X.AsSpan().SequenceEqual(other.X), $"scatter, {threads} threads, {n} images, {bands.Length} bands");
                    Assert.True(one.Added.AsSpan().SequenceEqual(other.Added), $"scatter-add, {threads} threads, {n} images, {bands.Length} bands");
                    Assert.True(one.Banded.AsSpan().SequenceEqual(other.Banded), $"banded copy, {threads} threads, {n} images, {bands.Length} bands");
                }
                Assert.Contains(one.X, v => v != 0f);
            }
        }
    }

    private static (float[] Cols, float[] X, float[] Added, float[] Banded) Run(ConvGeometry g, RowBand[] bands, int n, int threads)
    {
        int saved = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            var rng = new Rng(31);
            var x = new float[n * g.InH * g.InW * g.InC];
            rng.FillUniform(x, -1f, 1f);
            var cols = new float[n * g.OutPixels * g.PatchSize];
            Im2Col.Gather(g, n, x, cols, bands);
            var dCols = new float[cols.Length];
            rng.FillUniform(dCols, -1f, 1f);
            var back = new float[x.Length];
            back.AsSpan().Fill(float.NaN); // overwritten everywhere, padding rows included
            Im2Col.Scatter(g, n, dCols, back, accumulate: false, bands);
            var added = (float[])x.Clone();
            Im2Col.Scatter(g, n, dCols, added, accumulate: true, bands);
            var banded = new float[cols.Length];
            RowBands.ToBanded(g, bands, n, g.PatchSize, dCols, banded);
            return (cols, back, added, banded);
        }
        finally
        {
            Workers.Threads = saved;
        }
    }
}
