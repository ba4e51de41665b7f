using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Observability.Core.Alerting.Notifications;

namespace Observability.Collector.Alerting.Webhooks;

/// <summary>What one POST to a receiver came to: its HTTP status (null when none came back), why it failed, how long it took.</summary>
public sealed record WebhookSendResult(int? StatusCode, string? Error, TimeSpan? RetryAfter, double LatencyMilliseconds)
{
    public bool Delivered => Error is null;
}

/// <summary>
/// One signed POST of a notification body to a receiver, with its timeout and without following redirects: the code every
/// outbox delivery and every test notification from the dashboard goes through.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients)
{
    /// <summary>The longest answer body kept in an attempt's error, enough for a receiver's reason.</summary>
    private const int ErrorBodyChars = 200;

    /// <summary>POSTs <paramref name="body"/> signed at <paramref name="at"/>; never throws for the receiver's failures, only on cancellation.</summary>
    public async Task<WebhookSendResult> SendAsync(WebhookReceiverOptions receiver, byte[] body, string idempotencyKey, DateTimeOffset at, CancellationToken cancellationToken)
    {
        int? status = null;
        string? error = null;
        TimeSpan? retryAfter = null;
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            // Signed per attempt: the time in the signature is the time of sending, so a receiver's tolerance window holds for retries too.
            request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(receiver.Secret, body, at));
            request.Headers.TryAddWithoutValidation(WebhookSignature.IdempotencyKeyHeader, idempotencyKey);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(receiver.TimeoutSeconds));
            using var response = await clients.CreateClient(WebhookDeliveryJob.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                retryAfter = status == 429 ? DeliveryPolicy.RetryAfter(response.Headers.RetryAfter, at) : null;
                error = $"HTTP {status}{await ReasonAsync(response, timeout.Token)}";
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {receiver.TimeoutSeconds} s";
        }
        catch (HttpRequestException failure)
        {
            error = failure.Message;
        }
        watch.Stop();
        return new WebhookSendResult(status, error, retryAfter, watch.Elapsed.TotalMilliseconds);
    }

    /// <summary>The start of the receiver's answer, which usually says what it disliked.</summary>
    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new char[ErrorBodyChars];
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var read = await reader.ReadBlockAsync(buffer, cancellationToken);
            var text = new string(buffer, 0, read).ReplaceLineEndings(" ").Trim();
            return text.Length == 0 ? "" : $": {text}";
        }
        catch (Exception error) when (error is HttpRequestException or IOException or OperationCanceledException)
        {
            return "";
        }
    }
}
