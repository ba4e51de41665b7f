using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Time.Testing;

namespace Observability.Dashboard.Tests;

/// <summary>Driving a live page's refresh timer from a test's fake clock.</summary>
internal static class FakeClockRendering
{
    /// <summary>
    /// Moves the fake clock a refresh period (2 s) at a time until <paramref name="assertion"/> holds: the page's timer runs
    /// its tick on the thread pool, and the fake clock may coalesce a tick that fell while the previous one still ran.
    /// </summary>
    public static void AdvanceUntil<TComponent>(this FakeTimeProvider time, IRenderedComponent<TComponent> page, Action assertion)
        where TComponent : IComponent
    {
        for (var tick = 1; ; tick++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            try
            {
                page.WaitForAssertion(assertion, TimeSpan.FromSeconds(tick < 5 ? 1 : 10));
                return;
            }
            catch (Bunit.Extensions.WaitForHelpers.WaitForFailedException) when (tick < 5)
            {
                // Not yet: another period.
            }
        }
    }
}
