using System.Collections.Concurrent;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services.Sessions;

/// <summary>
/// The app.sessions.active and app.users.monthly_active gauges. One instrument per process observing every session store in it (a process has one;
/// tests host several services in one process). With Redis every instance sees the same shared count: aggregate with max.
/// </summary>
internal static class SessionMetrics
{
    private static readonly ConcurrentDictionary<ISessionStore, bool> Stores = new();

    static SessionMetrics()
    {
        WorkloadTelemetry.Meter.CreateObservableGauge(
            "app.sessions.active", () => Stores.Keys.Sum(store => store.ActiveCount), "{session}", "Signed-in sessions that have not expired.");
        WorkloadTelemetry.Meter.CreateObservableGauge(
            "app.users.monthly_active", () => Stores.Keys.Select(store => store.MonthlyActiveUsers).DefaultIfEmpty(0).Max(), "{user}",
            "Distinct users who signed in over the last 30 days.");
    }

    public static void Observe(ISessionStore store) => Stores[store] = true;

    public static void Forget(ISessionStore store) => Stores.TryRemove(store, out _);
}
