using Hangfire.Logging;

namespace Observability.Collector.Jobs;

/// <summary>
/// Hangfire logs through one process-wide provider. This one writes to a host's logging, and drops a message rather
/// than fail when that host has been disposed (a process that hosts Collectors one after another, as tests do).
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new Forwarder(factory, name);

    private sealed class Forwarder(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? _logger;

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                var logger = _logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    Hangfire.Logging.LogLevel.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
                    Hangfire.Logging.LogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
                    Hangfire.Logging.LogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
                    Hangfire.Logging.LogLevel.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
                    Hangfire.Logging.LogLevel.Error => Microsoft.Extensions.Logging.LogLevel.Error,
                    _ => Microsoft.Extensions.Logging.LogLevel.Critical,
                };
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }
                logger.Log(level, exception, "{Message}", messageFunc());
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
