namespace Observability.SampleWorkload.Services.Payment;

/// <summary>payment-service's path: POST an authorization.</summary>
internal static class PaymentPaths
{
    public const string Payments = "/payments";
}

/// <summary>
/// An authorization request. The idempotency key makes the resilience handler's retries safe: a retried request
/// returns the payment the first attempt created.
/// </summary>
internal sealed record PaymentRequest(string? User, long? AmountCents, string? IdempotencyKey);

/// <summary>An authorized payment.</summary>
internal sealed record PaymentResponse(string PaymentId, string Status);

/// <summary>Authorizes checkout payments: in process until phase 4, then by payment-service.</summary>
internal interface IPaymentGateway
{
    Task<string> AuthorizeAsync(string user, long amountCents, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>Before phase 4 the monolith "authorizes" payments itself: every payment succeeds, with a new id.</summary>
internal sealed class InProcessPaymentGateway : IPaymentGateway
{
    public Task<string> AuthorizeAsync(string user, long amountCents, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult("pay-" + idempotencyKey);
}

/// <summary>Phase 4: payment-service over HTTP (resilience handler configured in DI).</summary>
internal sealed class RemotePaymentGateway(HttpClient http) : IPaymentGateway
{
    public async Task<string> AuthorizeAsync(string user, long amountCents, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(PaymentPaths.Payments, new PaymentRequest(user, amountCents, idempotencyKey), cancellationToken);
        response.EnsureSuccessStatusCode();
        var payment = await response.Content.ReadFromJsonAsync<PaymentResponse>(cancellationToken)
            ?? throw new HttpRequestException("payment-service answered an empty body");
        return payment.PaymentId;
    }
}
