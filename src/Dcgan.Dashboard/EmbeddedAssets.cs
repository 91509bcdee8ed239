// The page itself: index.html, app.js, app.css and the icon, compiled into the assembly so the tool serves
// them from anywhere with no files beside it.
namespace Dcgan.Dashboard;

using System.Collections.Frozen;

/// <summary>The static files of the page, by URL path.</summary>
internal static class EmbeddedAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Files = Load();

    public static bool TryGet(string path, out byte[] bytes, out string contentType)
    {
        if (Files.TryGetValue(path, out var file))
        {
            (bytes, contentType) = file;
            return true;
        }
        (bytes, contentType) = ([], "");
        return false;
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            string url = "/" + name["wwwroot/".Length..];
            string type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            files[url] = (ms.ToArray(), type);
        }
        if (files.TryGetValue("/index.html", out var index))
        {
            files["/"] = index;
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
