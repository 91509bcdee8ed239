// Every failure as JSON with a fitting status: refused requests (4xx), damaged run data (422), and only real
// bugs as 500; the server keeps serving whatever a run folder holds.
namespace Dcgan.Dashboard;

using System.Text.Json;
using Dcgan.Training;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

/// <summary>The error middleware and the JSON error body.</summary>
internal static class ErrorResponses
{
    public static async Task Handle(HttpContext http, RequestDelegate next, ILogger logger, string runsRoot)
    {
        try
        {
            await next(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client left; there is no one to answer.
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var (status, message) = Classify(e);
            if (status >= 500 && e is not ApiException)
            {
                logger.LogError(e, "dashboard request {Path} failed", http.Request.Path);
            }
            // Paths inside the runs folder are shown relative to it: the page needs the file, not the machine's layout.
            message = message.Replace(runsRoot + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
            http.Response.Clear();
            if (e is ApiException { RetryAfterSeconds: int wait })
            {
                http.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await Write(http, status, message);
        }
    }

    /// <summary>Writes <c>{"error": message, "status": status}</c>.</summary>
    public static Task Write(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new { error = message, status }, DashboardApi.Json));
    }

    /// <summary>A short reason for a status code that arrived without a body (routing's 404 and 405, host filtering's 400).</summary>
    public static string Reason(int status) => status switch
    {
        400 => "bad request (this dashboard answers only on the address it was started with)",
        404 => "not found",
        405 => "method not allowed: the dashboard is read-only and answers GET only",
        413 => "request too large",
        431 => "request headers too large",
        _ => $"HTTP {status}",
    };

    private static (int Status, string Message) Classify(Exception e) => e switch
    {
        ApiException a => (a.Status, a.Message),
        BadHttpRequestException b => (b.StatusCode, b.Message),
        CheckpointException c => (StatusCodes.Status422UnprocessableEntity, c.Message),
        FileNotFoundException or DirectoryNotFoundException => (StatusCodes.Status404NotFound, e.Message),
        InvalidDataException or JsonException or IOException or UnauthorizedAccessException => (StatusCodes.Status422UnprocessableEntity, $"run data cannot be read: {e.Message}"),
        _ => (StatusCodes.Status500InternalServerError, $"internal error ({e.GetType().Name}): {e.Message}"),
    };
}
