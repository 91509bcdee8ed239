// Fetch source for the canonical web mirrors of the .gz files. Connection set-up is capped at a few seconds so
// an offline machine falls through to the package-based sources quickly instead of hanging.
using System.Net;
using System.Net.Sockets;

namespace Dcgan.Data;

/// <summary>Downloads BASE + file + ".gz" over HTTP(S).</summary>
public sealed class HttpSource : FetchSource
{
    private readonly string _baseUrl;
    private readonly HttpClient _client;
    private readonly TimeSpan _headerTimeout;
    private readonly TimeSpan _stallTimeout;

    public HttpSource(string baseUrl, TimeSpan? connectTimeout = null)
    {
        _baseUrl = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";
        TimeSpan connect = connectTimeout ?? TimeSpan.FromSeconds(4);
        _headerTimeout = connect + TimeSpan.FromSeconds(10);
        _stallTimeout = TimeSpan.FromSeconds(30);
        var handler = new SocketsHttpHandler { ConnectTimeout = connect, AutomaticDecompression = DecompressionMethods.None };
        // Per-request deadlines below replace the client-wide one, which would also cap a slow but steady download.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override string Description => _baseUrl;

    public override bool TryCopy(DataFile file, Stream destination, TextWriter log) =>
        TryCopyAsync(file, destination, log).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _client.Dispose();
        }
    }

    private async Task<bool> TryCopyAsync(DataFile file, Stream destination, TextWriter log)
    {
        string name = file.FileName + ".gz";
        string url = _baseUrl + name;
        HttpResponseMessage response;
        using (var headers = new CancellationTokenSource(_headerTimeout))
        {
            try
            {
                response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, headers.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e)
            {
                throw new DataException($"{url}: no response within {_headerTimeout.TotalSeconds:0} s", e);
            }
            catch (HttpRequestException e)
            {
                throw new DataException($"{url}: {Reason(e)}", e);
            }
        }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new DataException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            long total = response.Content.Headers.ContentLength ?? -1;
            var bar = new ProgressBar(log, name, total);
            using Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            byte[] buffer = new byte[1 << 16];
            long done = 0;
            while (true)
            {
                int n;
                using (var stall = new CancellationTokenSource(_stallTimeout))
                {
                    try
                    {
                        n = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException e)
                    {
                        throw new DataException($"{url}: download stalled for {_stallTimeout.TotalSeconds:0} s at {done} bytes", e);
                    }
                    catch (IOException e)
                    {
                        throw new DataException($"{url}: download interrupted at {done} bytes: {e.Message}", e);
                    }
                }
                if (n == 0)
                {
                    break;
                }
                await destination.WriteAsync(buffer.AsMemory(0, n)).ConfigureAwait(false);
                done += n;
                bar.Report(done);
            }
            bar.Finish(done);
            return true;
        }
    }

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => $"cannot connect ({s.SocketErrorCode}: {s.Message})",
        OperationCanceledException => "connection timed out",
        { } inner => $"{e.Message} ({inner.Message})",
        null => e.Message,
    };
}
