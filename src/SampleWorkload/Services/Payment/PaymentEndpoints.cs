using Observability.SampleWorkload.Services.Data;
using Observability.SampleWorkload.Services.Hosting;

namespace Observability.SampleWorkload.Services.Payment;

/// <summary>payment-service's API: records each authorization in the payments table, once per idempotency key.</summary>
internal static class PaymentEndpoints
{
    private const long MaximumAmountCents = 1_000_000_000;

    public static WebApplication MapPaymentService(this WebApplication app)
    {
        app.MapPost(PaymentPaths.Payments, async (HttpRequest request, StoreDatabase database, CancellationToken cancellationToken) =>
        {
            var (body, error) = await ApiResults.ReadBodyAsync<PaymentRequest>(request);
            if (error is not null)
            {
                return error;
            }
            if (body!.User is not { Length: > 0 and <= 100 } user)
            {
                return ApiResults.BadRequest("user", "user is required");
            }
            if (body.AmountCents is not { } amount || amount <= 0 || amount > MaximumAmountCents)
            {
                return ApiResults.BadRequest("amountCents", $"amountCents is required: 1 to {MaximumAmountCents}");
            }
            if (body.IdempotencyKey is not { Length: > 0 and <= 100 } key)
            {
                return ApiResults.BadRequest("idempotencyKey", "idempotencyKey is required: 1 to 100 characters");
            }
            // The no-op update makes RETURNING answer the existing row when this is a retry.
            await using var command = database.Primary.CreateCommand("""
                INSERT INTO payments (id, idempotency_key, user_name, amount_cents) VALUES (@id, @key, @user, @amount)
                ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = excluded.idempotency_key
                RETURNING id
                """);
            command.Parameters.AddWithValue("id", "pay-" + Guid.NewGuid().ToString("N"));
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("user", user);
            command.Parameters.AddWithValue("amount", amount);
            var paymentId = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            return Results.Json(new PaymentResponse(paymentId, "authorized"), statusCode: StatusCodes.Status201Created);
        });
        return app;
    }
}
