using System.Diagnostics;
using System.Diagnostics.Metrics;
using Observability.SampleWorkload.LoadGen.Measurement;
using Observability.SampleWorkload.LoadGen.Users;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.LoadGen.Telemetry;

/// <summary>
/// The load generator's own instruments: active virtual users and requests by step and outcome. No spans: tracing
/// every generated request would double the span volume the Collector receives without telling anything new.
/// </summary>
internal sealed class LoadGenMetrics : IDisposable
{
    public const string VirtualUsersName = "loadgen.virtual_users";
    public const string RequestsName = "loadgen.requests";

    // Boxed once, so tagging a request with its status code allocates nothing.
    private static readonly object[] s_statusCodes = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();

    private readonly Meter _meter = new(WorkloadTelemetry.SourceName);
    private readonly Counter<long> _requests;

    public LoadGenMetrics(Func<int> activeUsers)
    {
        _meter.CreateObservableGauge(VirtualUsersName, activeUsers, "{user}", "Virtual users in a session (signed in or signing in), thinking or waiting for an answer.");
        _requests = _meter.CreateCounter<long>(RequestsName, "{request}", "Requests sent by virtual users, by step and outcome; http.response.status_code when an answer came.");
    }

    public void RequestCompleted(UserStep step, RequestOutcome outcome, int statusCode, string? region)
    {
        if (!_requests.Enabled)
        {
            return;
        }
        var tags = new TagList
        {
            { "loadgen.step", UserStepNames.Of(step) },
            { "loadgen.outcome", RequestOutcomeNames.AttributeValue(outcome) },
        };
        if (statusCode is > 0 and < 600)
        {
            tags.Add("http.response.status_code", s_statusCodes[statusCode]);
        }
        if (region is not null)
        {
            tags.Add("cloud.region", region);
        }
        _requests.Add(1, tags);
    }

    public void Dispose() => _meter.Dispose();
}
