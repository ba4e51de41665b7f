using Observability.Collector.Hosting;

try
{
    var builder = WebApplication.CreateBuilder(args);
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
