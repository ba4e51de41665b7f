using Observability.Collector.Hosting;
using Observability.Dashboard.Demo;
using Observability.Dashboard.Hosting;

namespace Observability.Dashboard;

/// <summary>The product's one command: the Collector, the jobs and the UI in one process, and by default the demo workload.</summary>
public static class Program
{
    public const string NoDemoFlag = "--no-demo";

    public static async Task<int> Main(string[] args)
    {
        var withDemo = !args.Contains(NoDemoFlag);
        args = [.. args.Where(a => a != NoDemoFlag)];
        using var stopping = new CancellationTokenSource();
        // Ctrl+C before the host runs (while the demo starts) stops the start; afterwards the host handles it.
        ConsoleCancelEventHandler cancelStart = (_, e) =>
        {
            e.Cancel = true;
            stopping.Cancel();
        };
        Console.CancelKeyPress += cancelStart;
        DemoWorkload? demo = null;
        try
        {
            var builder = DashboardHostingExtensions.CreateBuilder(args);
            if (withDemo)
            {
                var otlp = builder.Configuration["Collector:OtlpGrpcUrl"] is { Length: > 0 } url ? url : "http://localhost:4317";
                Console.WriteLine($"Starting the sample workload (phase {DemoWorkload.Phase}, {DemoWorkload.Users} users) as the demo; {NoDemoFlag} leaves it out...");
                demo = await DemoWorkload.StartAsync(otlp, Path.Combine(DashboardHostingExtensions.DataFolder(builder.Configuration), "workload"), stopping.Token);
                foreach (var line in demo.Summary)
                {
                    Console.WriteLine(line);
                }
                builder.Configuration.AddInMemoryCollection(await demo.CollectorSettingsAsync(stopping.Token));
            }
            builder.AddDashboard();
            var app = builder.Build();
            app.MapDashboard();
            Console.CancelKeyPress -= cancelStart;
            await app.RunAsync();
            return 0;
        }
        catch (DemoStartException error)
        {
            Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine($"The demo needs PostgreSQL 15's server binaries and redis-server (scripts/run.sh installs them when missing); {NoDemoFlag} starts the dashboard without it.");
            return 3;
        }
        catch (ConfigurationException error)
        {
            Console.Error.WriteLine($"Configuration error: {error.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            Console.WriteLine("Stopped before the dashboard started.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= cancelStart;
            if (demo is not null)
            {
                Console.WriteLine("Stopping the sample workload...");
                await demo.DisposeAsync();
            }
        }
    }
}
