// Strict query strings: only the parameters an endpoint knows, each at most once, numbers in their bounds;
// every mistake is a 400 that says what was wrong and what is allowed.
namespace Dcgan.Dashboard;

using System.Globalization;
using Microsoft.AspNetCore.Http;

/// <summary>Validated access to one request's query parameters.</summary>
internal sealed class QueryReader
{
    private readonly IQueryCollection _query;

    public QueryReader(IQueryCollection query, params string[] allowed)
    {
        _query = query;
        foreach (var (key, values) in query)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw ApiException.BadRequest($"unknown parameter '{Clip(key)}' (this endpoint takes: {string.Join(", ", allowed)})");
            }
            if (values.Count > 1)
            {
                throw ApiException.BadRequest($"parameter '{key}' given {values.Count} times");
            }
        }
    }

    public bool Has(string name) => _query.ContainsKey(name);

    public string? Text(string name) => _query.TryGetValue(name, out var v) ? v.ToString() : null;

    /// <summary>A whole number in [min, max], or <paramref name="fallback"/> when absent.</summary>
    public long Integer(string name, long fallback, long min, long max)
    {
        string? text = Text(name);
        if (text is null)
        {
            return fallback;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            throw ApiException.BadRequest($"'{name}' must be a whole number from {min} to {max}, got '{Clip(text)}'");
        }
        return value;
    }

    // Echoing a huge or odd value back would make the error as bad as the request.
    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
