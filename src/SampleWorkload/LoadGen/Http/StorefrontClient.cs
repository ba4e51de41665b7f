using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Observability.SampleWorkload.LoadGen.Measurement;
using Observability.SampleWorkload.LoadGen.Telemetry;
using Observability.SampleWorkload.LoadGen.Users;

namespace Observability.SampleWorkload.LoadGen.Http;

/// <summary>What one request came to; <see cref="Outcome"/> is null when the user was stopped before it finished.</summary>
internal readonly record struct StepResult(RequestOutcome? Outcome, int StatusCode, string? Token)
{
    public static StepResult Stopped => new(null, 0, null);
}

/// <summary>
/// Sends every virtual user's requests over one shared connection pool, times them to the last byte of the answer,
/// and counts them by outcome. Answers are read and thrown away through a pooled buffer; only sign-in reads JSON.
/// </summary>
internal sealed class StorefrontClient : IDisposable
{
    /// <summary>Header the gateway routes on in the multi-region phases.</summary>
    public const string RegionHeader = "X-Region";

    private const int DrainBufferBytes = 16 * 1024;

    private readonly HttpClient _http;
    private readonly LoadStatistics _statistics;
    private readonly LoadGenMetrics _metrics;
    private readonly TimeSpan _timeout;

    public StorefrontClient(StorefrontRoutes routes, int maxConnections, TimeSpan timeout, LoadStatistics statistics, LoadGenMetrics metrics)
    {
        Routes = routes;
        _statistics = statistics;
        _metrics = metrics;
        _timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            // Recycled now and then so a gateway that is restarted or scaled out gets the traffic spread again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // Browsers accept compressed answers; phase 1's compression quick win only shows when clients do too.
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Brotli,
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            // No trace context from the generator: the gateway starts each trace, and nothing here records spans.
            ActivityHeadersPropagator = null,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public StorefrontRoutes Routes { get; }

    /// <summary>Sends one request for a user and waits for the whole answer, within --timeout.</summary>
    /// <param name="requestCancellation">
    /// The user's own source, linked to its stop token and reset after each request, so a timeout needs no new source.
    /// </param>
    public async ValueTask<StepResult> SendAsync(
        UserStep step,
        HttpMethod method,
        Uri uri,
        ReadOnlyMemory<byte> body,
        AuthenticationHeaderValue? authorization,
        string? region,
        CancellationTokenSource requestCancellation,
        CancellationToken stop)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (method != HttpMethod.Get && method != HttpMethod.Delete)
        {
            request.Content = new ReadOnlyMemoryContent(body);
            if (!body.IsEmpty)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            }
        }
        request.Headers.Authorization = authorization;
        if (region is not null)
        {
            request.Headers.TryAddWithoutValidation(RegionHeader, region);
        }

        var cancel = requestCancellation.Token;
        requestCancellation.CancelAfter(_timeout);
        var started = Stopwatch.GetTimestamp();
        int statusCode = 0;
        string? token = null;
        RequestOutcome outcome;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            statusCode = (int)response.StatusCode;
            var stream = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                if (step == UserStep.SignIn && response.StatusCode == HttpStatusCode.OK)
                {
                    var login = await JsonSerializer.DeserializeAsync(stream, LoadGenJsonContext.Default.LoginResponse, cancel).ConfigureAwait(false);
                    token = login?.Token;
                }
                await DrainAsync(stream, cancel).ConfigureAwait(false);
            }
            outcome = statusCode switch
            {
                >= 500 => RequestOutcome.ServerError,
                >= 400 => RequestOutcome.ClientError,
                _ => RequestOutcome.Ok,
            };
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return StepResult.Stopped;
        }
        catch (OperationCanceledException)
        {
            outcome = RequestOutcome.Timeout;
        }
        catch (HttpRequestException exception)
        {
            outcome = Classify(exception);
        }
        catch (IOException exception)
        {
            outcome = Classify(exception);
        }
        catch (JsonException)
        {
            // A 200 to sign-in that is not the documented JSON: the user cannot go on, and it is the server's fault.
            outcome = RequestOutcome.Other;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Whatever else goes wrong with one request is counted, never allowed to end the virtual user.
            outcome = RequestOutcome.Other;
        }
        var elapsedMicroseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        _statistics.Record(outcome, elapsedMicroseconds);
        _metrics.RequestCompleted(step, outcome, statusCode, region);
        return new StepResult(outcome, statusCode, token);
    }

    public void Dispose() => _http.Dispose();

    private static async ValueTask DrainAsync(Stream stream, CancellationToken cancel)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(DrainBufferBytes);
        try
        {
            while (await stream.ReadAsync(buffer.AsMemory(), cancel).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Refused when nothing listens; closed when the server hung up or reset mid-answer; other otherwise.</summary>
    internal static RequestOutcome Classify(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => RequestOutcome.Refused,
                    SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => RequestOutcome.Closed,
                    _ => RequestOutcome.Other,
                };
            }
        }
        return exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => RequestOutcome.Closed,
            HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => RequestOutcome.Closed,
            HttpRequestException { InnerException: HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } } => RequestOutcome.Closed,
            IOException => RequestOutcome.Closed,
            HttpRequestException { InnerException: IOException } => RequestOutcome.Closed,
            _ => RequestOutcome.Other,
        };
    }
}
