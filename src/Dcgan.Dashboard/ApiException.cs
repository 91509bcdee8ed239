// A request the dashboard refuses or cannot answer: carries the HTTP status and a one-line message for the page.
namespace Dcgan.Dashboard;

using Microsoft.AspNetCore.Http;

/// <summary>Turned into <c>{"error": message}</c> with <see cref="Status"/> by the error middleware.</summary>
internal sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>Sent as Retry-After with a 503: when the client may ask again.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
