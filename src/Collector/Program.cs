using Observability.Collector.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCollector();

var app = builder.Build();
app.MapCollector();
app.Run();

/// <summary>The standalone Collector's entry point.</summary>
public partial class Program;
