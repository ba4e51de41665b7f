namespace Observability.Collector.Query;

/// <summary>A query parameter the client got wrong: answered with 400 and this message, which names the parameter.</summary>
internal sealed class QueryParameterException(string message) : Exception(message);
