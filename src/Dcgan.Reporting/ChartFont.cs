// The one font charts use: DejaVu Sans, embedded in this assembly (Fonts/, with its licence). SkiaSharp's Linux build
// reads no font configuration and finds no font on a machine without any, and then draws no text at all; with the
// font inside the program every machine draws the same glyphs, so charts are readable and their pixels repeatable.
using System.Reflection;
using ScottPlot;
using SkiaSharp;

namespace Dcgan.Reporting;

internal static class ChartFont
{
    /// <summary>The embedded font's family name, which ScottPlot's labels ask for and the SVG names.</summary>
    public const string Family = "DejaVu Sans";

    /// <summary>What the SVG asks a browser for: the embedded family first, then look-alikes.</summary>
    public const string SvgFamilies = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";

    private const string ResourceName = "Dcgan.Reporting.Fonts.DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static SKTypeface Typeface => Loaded.Value;

    /// <summary>Loads the font and makes it ScottPlot's default and the answer to every request for <see cref="Family"/>.</summary>
    public static void EnsureRegistered() => _ = Loaded.Value;

    private static SKTypeface Load()
    {
        using Stream stream = typeof(ChartFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded font {ResourceName} is missing from {typeof(ChartFont).Assembly.GetName().Name}.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        // SKData copies the bytes, so the typeface does not depend on the array or the stream.
        using var data = SKData.CreateCopy(bytes);
        SKTypeface typeface = SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"The embedded font {ResourceName} cannot be read.");
        if (typeface.GlyphCount == 0)
        {
            throw new InvalidOperationException($"The embedded font {ResourceName} has no glyphs.");
        }
        Fonts.FontResolvers.Insert(0, new Resolver(typeface));
        Fonts.Default = Family;
        return typeface;
    }

    /// <summary>Answers requests for <see cref="Family"/> in any weight or slant with the one embedded face.</summary>
    private sealed class Resolver(SKTypeface typeface) : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            fontName == Family ? typeface : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? typeface : null;
    }
}
