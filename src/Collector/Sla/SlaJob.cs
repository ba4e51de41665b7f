using Hangfire;
using Microsoft.Extensions.Options;
using Observability.Core.Sla;
using Observability.Core.Storage;

namespace Observability.Collector.Sla;

/// <summary>
/// The nightly SLA rollup: tallies each finished day's probe checks while the raw points still exist (so a month's
/// uptime outlives raw retention), then stores last month's final report and this month's report so far.
/// </summary>
public sealed class SlaJob(SlaCalculator calculator, ITelemetryStore store, IOptions<StorageOptions> storage, TimeProvider time, ILogger<SlaJob> logger)
{
    public const string RecurringJobId = "sla-rollup";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        // Every finished day whose raw points are still kept; recounting a day already tallied gives the same rows.
        var tallied = 0;
        for (var day = today.AddDays(-storage.Value.RetentionDays + 1); day < today; day = day.AddDays(1))
        {
            var tallies = await calculator.TallyDayAsync(day, cancellationToken);
            await store.Sla.SaveProbeDaysAsync(tallies, cancellationToken);
            tallied += tallies.Count;
        }
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var lastMonth = thisMonth.AddMonths(-1);
        if (await store.Sla.GetReportAsync(SlaCalculator.MonthOf(lastMonth), cancellationToken) is not { Final: true })
        {
            await store.Sla.SaveReportAsync(await calculator.ComputeAsync(lastMonth, now, cancellationToken), cancellationToken);
        }
        await store.Sla.SaveReportAsync(await calculator.ComputeAsync(thisMonth, now, cancellationToken), cancellationToken);
        logger.LogInformation("SLA rollup: {Tallies} probe-day tallies, reports for {LastMonth} and {ThisMonth}",
            tallied, SlaCalculator.MonthOf(lastMonth), SlaCalculator.MonthOf(thisMonth));
    }
}
