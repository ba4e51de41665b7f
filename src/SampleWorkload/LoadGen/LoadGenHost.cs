using System.Runtime.InteropServices;
using Observability.SampleWorkload.LoadGen.Options;
using Observability.SampleWorkload.Shared;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Observability.SampleWorkload.LoadGen;

/// <summary>
/// The loadgen role: virtual users against the storefront API through the gateway until --duration, Ctrl+C or
/// SIGTERM, a progress line on stdout, a summary at the end; its own metrics go out over OTLP (OTEL_* variables).
/// </summary>
internal static class LoadGenHost
{
    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, CancellationToken.None);

    /// <summary>Exit code 0 after a run (however it was stopped), 2 for a bad command line.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, Func<string, string?> environment, CancellationToken stop)
    {
        var arguments = LoadGenOptionsParser.Parse(args, environment);
        if (arguments.HelpRequested)
        {
            output.WriteLine(LoadGenOptionsParser.Usage);
            return 0;
        }
        if (arguments.Options is not { } options)
        {
            errors.WriteLine($"loadgen: {arguments.Error}");
            return 2;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        ParentWatchdog.Watch(stopping.Cancel, stopping.Token);
        // Handled rather than left to the runtime, so the users stop and the summary is printed before exit.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var meters = CreateMeterProvider(environment);

        output.WriteLine(DescribeStart(options));
        var runner = new LoadGenRunner(options, TextWriter.Synchronized(output), TextWriter.Synchronized(errors));
        await runner.RunAsync(stopping.Token).ConfigureAwait(false);
        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
    }

    private static MeterProvider CreateMeterProvider(Func<string, string?> environment)
    {
        var serviceName = environment("OTEL_SERVICE_NAME") is { Length: > 0 } name ? name : KnownRoles.ServiceName(KnownRoles.LoadGen);
        return Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: environment("OTEL_SERVICE_INSTANCE_ID")))
            .AddMeter(WorkloadTelemetry.SourceName)
            // http.client.request.duration from .NET's own System.Net.Http meter: the latency users saw, by status.
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation()
            .AddOtlpExporter()
            .Build();
    }

    private static string DescribeStart(LoadGenOptions options)
    {
        var users = options.Users.Over > TimeSpan.Zero
            ? $"{options.Users.FromUsers} to {options.Users.ToUsers} users over {DurationText.Format(options.Users.Over)}"
            : $"{options.Users.ToUsers} users";
        var duration = options.Duration is { } d ? $"for {DurationText.Format(d)}" : "until Ctrl+C";
        var regions = options.Regions.Count > 0 ? $", regions {string.Join(",", options.Regions)}" : "";
        return $"loadgen: {users} against {options.Target} {duration}, think time {DurationText.Format(options.ThinkTime)}{regions}, seed {options.Seed}";
    }
}
