namespace Observability.SampleWorkload.LoadGen.Measurement;

/// <summary>How one request of a virtual user ended, as the progress line and loadgen.requests count it.</summary>
internal enum RequestOutcome
{
    /// <summary>A 1xx-3xx answer.</summary>
    Ok,

    /// <summary>The server answered 500 or above.</summary>
    ServerError,

    /// <summary>The server answered 400-499 (a 401 also makes the user sign in again).</summary>
    ClientError,

    /// <summary>No complete answer within --timeout.</summary>
    Timeout,

    /// <summary>The connection was refused: nothing listens at the target.</summary>
    Refused,

    /// <summary>The server closed or reset the connection before the answer was complete.</summary>
    Closed,

    /// <summary>Anything else that kept the request from completing (name resolution, TLS, protocol).</summary>
    Other,
}

/// <summary>Names of outcomes as attribute values and in text.</summary>
internal static class RequestOutcomeNames
{
    public static readonly int Count = Enum.GetValues<RequestOutcome>().Length;

    public static string AttributeValue(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Ok => "ok",
        RequestOutcome.ServerError => "5xx",
        RequestOutcome.ClientError => "4xx",
        RequestOutcome.Timeout => "timeout",
        RequestOutcome.Refused => "refused",
        RequestOutcome.Closed => "closed",
        _ => "other",
    };
}
