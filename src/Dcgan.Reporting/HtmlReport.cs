// A self-contained HTML5 training report (WHATWG HTML Living Standard): inline CSS, inline SVG charts and
// images embedded as base64 data: URLs (RFC 2397), so the single file opens anywhere without network access.
using System.Globalization;
using System.Text;
using Dcgan.Imaging;

namespace Dcgan.Reporting;

/// <summary>Renders a <see cref="ReportContent"/> as one HTML page.</summary>
public static class HtmlReport
{
    private const string Css = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; background: #fff; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
        .subtitle { color: #666; margin-top: 0; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .config td:first-child { font-family: monospace; }
        .chart svg { max-width: 100%; height: auto; }
        .grids { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; }
        figcaption { text-align: center; color: #444; font-size: 0.9em; }
        img { image-rendering: pixelated; max-width: 100%; height: auto; }
        .missing { color: #a00; }
        """;

    /// <summary>Renders the page. Image paths are resolved against the current directory and embedded.</summary>
    public static string Render(ReportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var sb = new StringBuilder(1 << 16);
        string title = Markup.Escape(content.Title);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<title>").Append(title).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
          .Append("<h1>").Append(title).Append("</h1>\n");
        if (!string.IsNullOrEmpty(content.Subtitle))
        {
            sb.Append("<p class=\"subtitle\">").Append(Markup.Escape(content.Subtitle)).Append("</p>\n");
        }

        if (content.Config.Count > 0)
        {
            sb.Append("<h2>Configuration</h2>\n<table class=\"config\">\n");
            foreach (var (key, value) in content.Config)
            {
                sb.Append("<tr><td>").Append(Markup.Escape(key)).Append("</td><td>").Append(Markup.Escape(value)).Append("</td></tr>\n");
            }
            sb.Append("</table>\n");
        }

        if (content.MetricColumns.Count > 0 || content.MetricRows.Count > 0)
        {
            sb.Append("<h2>Metrics per epoch</h2>\n<table class=\"metrics\">\n<thead><tr>");
            foreach (string column in content.MetricColumns)
            {
                sb.Append("<th>").Append(Markup.Escape(column)).Append("</th>");
            }
            sb.Append("</tr></thead>\n<tbody>\n");
            int width = Math.Max(content.MetricColumns.Count, content.MetricRows.Select(r => r.Count).DefaultIfEmpty(0).Max());
            foreach (IReadOnlyList<string> row in content.MetricRows)
            {
                sb.Append("<tr>");
                for (int i = 0; i < width; i++)
                {
                    string cell = i < row.Count ? row[i] : string.Empty;
                    sb.Append(IsNumber(cell) ? "<td class=\"num\">" : "<td>").Append(Markup.Escape(cell)).Append("</td>");
                }
                sb.Append("</tr>\n");
            }
            sb.Append("</tbody>\n</table>\n");
        }

        if (!string.IsNullOrWhiteSpace(content.LossSvg))
        {
            sb.Append("<h2>Losses</h2>\n<div class=\"chart\">\n").Append(InlineSvg(content.LossSvg)).Append("</div>\n");
        }
        if (!string.IsNullOrWhiteSpace(content.HistogramSvg))
        {
            sb.Append("<h2>Discriminator outputs</h2>\n<div class=\"chart\">\n").Append(InlineSvg(content.HistogramSvg)).Append("</div>\n");
        }
        foreach (var (chartTitle, svg) in content.Charts)
        {
            sb.Append("<h2>").Append(Markup.Escape(chartTitle)).Append("</h2>\n<div class=\"chart\">\n").Append(InlineSvg(svg)).Append("</div>\n");
        }

        if (content.GifPath is not null)
        {
            sb.Append("<h2>Training progress</h2>\n");
            Image(sb, content.GifPath, "Samples over training (animated)");
        }

        if (content.Grids.Count > 0)
        {
            sb.Append("<h2>Samples per epoch</h2>\n<div class=\"grids\">\n");
            foreach (var (caption, path) in content.Grids)
            {
                Image(sb, path, caption);
            }
            sb.Append("</div>\n");
        }

        if (content.EpochSeconds.Count > 0)
        {
            sb.Append("<h2>Epoch times</h2>\n<table class=\"times\">\n<thead><tr><th>Epoch</th><th>Seconds</th><th>Cumulative</th></tr></thead>\n<tbody>\n");
            double total = 0;
            for (int i = 0; i < content.EpochSeconds.Count; i++)
            {
                double s = content.EpochSeconds[i];
                total += s;
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td class=\"num\">{i + 1}</td><td class=\"num\">{s:F2}</td><td class=\"num\">{total:F2}</td></tr>\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"</tbody>\n</table>\n<p>Total {total:F1} s, mean {total / content.EpochSeconds.Count:F2} s per epoch.</p>\n");
        }

        if (content.Notes.Count > 0)
        {
            sb.Append("<h2>Notes</h2>\n");
            foreach (string note in content.Notes)
            {
                sb.Append("<p>").Append(Markup.Escape(note)).Append("</p>\n");
            }
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>Renders the page and writes it atomically (temporary file, then rename) as UTF-8.</summary>
    public static void Write(string path, ReportContent content)
    {
        string html = Render(content);
        AtomicFile.WriteAllText(path, html);
    }

    private static void Image(StringBuilder sb, string path, string caption)
    {
        sb.Append("<figure>\n");
        byte[]? bytes = null;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // A missing picture should not cost the whole report; say what is missing instead.
        }
        if (bytes is null)
        {
            sb.Append("<p class=\"missing\">image not available: ").Append(Markup.Escape(path)).Append("</p>\n");
        }
        else
        {
            sb.Append("<img alt=\"").Append(Markup.Escape(caption)).Append("\" src=\"data:").Append(MimeType(bytes, path)).Append(";base64,")
              .Append(Convert.ToBase64String(bytes)).Append("\">\n");
        }
        sb.Append("<figcaption>").Append(Markup.Escape(caption)).Append("</figcaption>\n</figure>\n");
    }

    private static string MimeType(byte[] bytes, string path)
    {
        if (ImageFiles.IsPng(bytes))
        {
            return "image/png";
        }
        if (bytes.AsSpan().StartsWith("GIF8"u8))
        {
            return "image/gif";
        }
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => "image/jpeg",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
    }

    // An XML declaration or doctype is only legal at the very top of a document, not inside HTML.
    private static string InlineSvg(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        string body = start > 0 ? svg[start..] : svg;
        return body.EndsWith('\n') ? body : body + "\n";
    }

    private static bool IsNumber(string s) =>
        s.Length > 0 && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
