using Observability.Collector.Hosting;

try
{
    // appsettings.json travels with the binary, wherever the process is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddCollector();

    var app = builder.Build();
    app.MapCollector();
    app.Run();
    return 0;
}
catch (ConfigurationException error)
{
    Console.Error.WriteLine($"Configuration error: {error.Message}");
    return 2;
}

/// <summary>The standalone Collector's entry point.</summary>
public partial class Program;
