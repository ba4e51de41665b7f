using Observability.Core.Sla;

namespace Observability.Dashboard.Reports;

/// <summary>Reads the SLA report page's months and reports; the page depends on this alone, so its tests can feed it fixed data.</summary>
public interface ISlaSource
{
    /// <summary>The months with a report, newest first: the current month so far, then the stored ones.</summary>
    Task<IReadOnlyList<string>> MonthsAsync(CancellationToken cancellationToken);

    /// <param name="month">"yyyy-MM", one of <see cref="MonthsAsync"/>.</param>
    Task<SlaReport> ReadAsync(string month, CancellationToken cancellationToken);
}

/// <summary>The SLA reports as GET /api/sla serves them (stored when final or fresh, else computed now), in this process.</summary>
internal sealed class SlaSource(SlaCalculator calculator, TimeProvider time) : ISlaSource
{
    public Task<IReadOnlyList<string>> MonthsAsync(CancellationToken cancellationToken) => calculator.MonthsAsync(time.GetUtcNow(), cancellationToken);

    public async Task<SlaReport> ReadAsync(string month, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (SlaCalculator.ParseMonth(month) is not { } start || start > now)
        {
            throw new ArgumentException($"month '{month}' is not a month written yyyy-MM that has begun", nameof(month));
        }
        return await calculator.ReportAsync(start, now, cancellationToken);
    }
}
