using Observability.SampleWorkload.Services.Data;

namespace Observability.SampleWorkload.Services.Reporting;

/// <summary>Sales of one category, summed from the order stream.</summary>
internal sealed record CategorySales(int CategoryId, long Orders, long Items, long RevenueCents, DateTimeOffset UpdatedAt);

/// <summary>GET /api/reports/sales's answer.</summary>
internal sealed record SalesReport(long ProcessedOrders, IReadOnlyList<CategorySales> Categories);

/// <summary>reporting-service's API.</summary>
internal static class ReportingEndpoints
{
    public const string Sales = "/api/reports/sales";

    public static WebApplication MapReportingService(this WebApplication app)
    {
        app.MapGet(Sales, async (StoreDatabase database, CancellationToken cancellationToken) =>
        {
            // The primary: the report is this service's own, just-written data.
            await using var command = database.Primary.CreateCommand("""
                SELECT category_id, orders, items, revenue_cents, updated_at, (SELECT count(*) FROM report_processed_orders)
                FROM report_sales_by_category ORDER BY category_id
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var categories = new List<CategorySales>();
            long processed = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                categories.Add(new CategorySales(reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4)));
                processed = reader.GetInt64(5);
            }
            if (categories.Count == 0)
            {
                await using var count = database.Primary.CreateCommand("SELECT count(*) FROM report_processed_orders");
                processed = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            }
            return Results.Ok(new SalesReport(processed, categories));
        });
        return app;
    }
}
