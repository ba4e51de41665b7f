using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Gateway;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Launcher;

/// <summary>
/// The "run" role: starts PostgreSQL and Redis (unless given), the gateway, every service instance of the phase
/// and the load generator, prints where everything listens, and on Ctrl+C or SIGTERM stops all of it.
/// </summary>
internal static class LauncherHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (options, error) = LauncherOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
        if (options is null)
        {
            if (error == LauncherOptionsParser.Usage)
            {
                Console.WriteLine(error);
                return 0;
            }
            Console.Error.WriteLine(error);
            return 2;
        }

        var run = new LauncherRun(options, Write);
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            // Keep the process alive to stop its children and servers; the run below ends on this token.
            context.Cancel = true;
            run.BeginStopping();
            stop.Cancel();
        }

        try
        {
            await run.StartAsync(stop.Token);
            run.WriteEndpoints();
            run.PrintSummary();
            await Task.Delay(Timeout.Infinite, stop.Token);
            return 0;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException or Npgsql.NpgsqlException or UnauthorizedAccessException
            or System.ComponentModel.Win32Exception or TimeoutException)
        {
            Console.Error.WriteLine($"The workload could not start: {exception.Message}");
            return 1;
        }
        finally
        {
            Write("Stopping...");
            await run.StopAsync();
            Write("Stopped.");
        }
    }

    private static void Write(string line) => Console.WriteLine(line);
}

/// <summary>Everything one launcher run started, in the order it must be stopped.</summary>
internal sealed class LauncherRun(LauncherOptions options, Action<string> write)
{
    private PostgresCluster? _postgres;
    private RedisServer? _redis;
    private ServiceSupervisor? _supervisor;
    private WebApplication? _gateway;
    private LoadGenChild? _loadGen;
    private DatabaseEndpoints? _databases;
    private string _userPassword = "";
    private readonly System.Diagnostics.Stopwatch _clock = new();

    /// <summary>The OpenTelemetry SDK's export intervals (milliseconds) every process of the workload starts with.</summary>
    internal static readonly IReadOnlyDictionary<string, string> ExportIntervals = new Dictionary<string, string>
    {
        ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "10000",
    };

    /// <summary>Where the workload's PostgreSQL files go (see <see cref="Infrastructure.PostgresFolder"/>); chosen at start.</summary>
    private string PostgresFolder { get; set; } = "";

    private string RedisFolder => Path.Combine(options.DataFolder, "redis");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _clock.Start();
        // Every child inherits the endpoint; the gateway's own SDK reads it from here too.
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", options.OtlpEndpoint);
        // Live numbers within seconds: the SDK's defaults (spans and logs every 5 s, metrics every 60 s) would hold a fault
        // back from the dashboard and the alerts. Settings given by the user win.
        foreach (var (name, value) in ExportIntervals)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
        Environment.SetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES",
            $"service.instance.id=gateway-1,service.version=1.0.0,deployment.environment.name=sample,workload.phase={options.Phase}");
        Directory.CreateDirectory(options.DataFolder);
        if (UnixProcess.IsRoot && !OperatingSystem.IsWindows())
        {
            // The postgres system user must be able to pass through the data folder to its own sub-folder.
            File.SetUnixFileMode(options.DataFolder, File.GetUnixFileMode(options.DataFolder) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }
        PostgresFolder = Infrastructure.PostgresFolder.For(options.DataFolder, UnixProcess.IsRoot);
        foreach (var line in await StaleServerSweep.SweepAsync(options.DataFolder, PostgresFolder, RedisFolder))
        {
            write($"Stopped {line}, left running by an earlier launcher in {options.DataFolder}");
        }

        if (options.PrimaryConnectionString is { } primary)
        {
            _databases = new DatabaseEndpoints
            {
                Primary = primary,
                Replica = options.UsesReplica ? options.ReplicaConnectionString : null,
                PrimaryAdmin = primary,
                ReplicaAdmin = options.UsesReplica ? options.ReplicaConnectionString : null,
            };
        }
        else
        {
            _postgres = await PostgresCluster.StartAsync(new PostgresClusterOptions { Folder = PostgresFolder, WithReplica = options.UsesReplica }, cancellationToken);
            _databases = _postgres.Endpoints;
            Progress("PostgreSQL");
        }
        if (options.UsesRedis && options.RedisConnectionString is null)
        {
            _redis = await RedisServer.StartAsync(RedisFolder, cancellationToken: cancellationToken);
            Progress("Redis");
        }
        var redis = options.UsesRedis ? options.RedisConnectionString ?? _redis?.ConnectionString : null;

        _userPassword = NewSecret();
        var controlToken = NewSecret();
        var settings = new Dictionary<string, string>
        {
            [ServiceSupervisor.EnvironmentName(KnownSettings.PrimaryDatabase)] = _databases.Primary,
            [ServiceSupervisor.EnvironmentName(KnownSettings.Phase)] = options.Phase.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ServiceSupervisor.EnvironmentName(KnownSettings.QuickWins)] = options.QuickWins ? "true" : "false",
            [ServiceSupervisor.EnvironmentName(KnownSettings.UserPassword)] = _userPassword,
            [ServiceSupervisor.EnvironmentName(KnownSettings.ControlToken)] = controlToken,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = options.OtlpEndpoint,
        };
        if (_databases.Replica is { } replica)
        {
            settings[ServiceSupervisor.EnvironmentName(KnownSettings.ReplicaDatabase)] = replica;
        }
        if (redis is not null)
        {
            settings[ServiceSupervisor.EnvironmentName(KnownSettings.Redis)] = redis;
        }

        var (fileName, leading) = ServiceSupervisor.ThisBinary();
        _supervisor = new ServiceSupervisor(
            new SupervisorOptions
            {
                FileName = fileName,
                LeadingArguments = leading,
                Settings = settings,
                Phase = options.Phase,
                DataFolder = options.DataFolder,
                Verbose = options.Verbose,
                Write = write,
            },
            PhaseProfile.Instances(options.Phase, options.MaxInstances));

        // The gateway starts first so /healthz and /faults answer while the services seed and warm up.
        _gateway = GatewayHost.Build(
            new GatewayOptions { Url = options.GatewayUrl, Phase = options.Phase, Verbose = options.Verbose },
            _supervisor,
            new FaultContext
            {
                Phase = options.Phase,
                Supervisor = _supervisor,
                Databases = _databases,
                OwnRedis = _redis,
                ExternalRedis = _redis is null ? redis : null,
                ControlToken = controlToken,
            });
        await _gateway.StartAsync(cancellationToken);
        var gateway = _gateway;
        _supervisor.InstanceHealthy = instance => GatewayHost.MarkHealthy(gateway, instance);
        Progress("gateway");

        if (_supervisor.Instances.Count > 0)
        {
            write($"Starting {_supervisor.Instances.Count} service instance(s) for phase {options.Phase}...");
            await _supervisor.StartAllAsync(cancellationToken);
            Progress("services");
        }
        if (options.Users > 0 || options.Ramp is not null)
        {
            _loadGen = LoadGenChild.Start(options, _userPassword, write);
            _supervisor.Track(_loadGen.ProcessId, KnownRoles.LoadGen);
        }
    }

    /// <summary>The file <see cref="WriteEndpoints"/> writes into the data folder.</summary>
    public const string EndpointsFile = "endpoints.json";

    /// <summary>
    /// Writes where everything listens, with the credentials to watch it (owner-only file in the data folder), so a
    /// Collector can be pointed at the workload's databases and Redis, and tests can reach them.
    /// </summary>
    public void WriteEndpoints()
    {
        var path = Path.Combine(options.DataFolder, EndpointsFile);
        var endpoints = new
        {
            phase = options.Phase,
            gateway = options.GatewayUrl.ToString().TrimEnd('/'),
            postgres = new { primary = _databases?.PrimaryAdmin, replica = _databases?.ReplicaAdmin },
            redis = options.UsesRedis ? options.RedisConnectionString ?? _redis?.ConnectionString : null,
            userPassword = _userPassword,
            instances = (_supervisor?.Instances ?? []).Select(i => new { id = i.Id, url = i.Url.ToString().TrimEnd('/'), region = i.Spec.Region }),
        };
        // Created empty and made the owner's alone before the secrets go in.
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(endpoints, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    public void PrintSummary()
    {
        write($"Sample workload, phase {options.Phase}{(options.QuickWins ? " with quick wins" : "")}, started in {_clock.Elapsed.TotalSeconds:0.0} s");
        write($"  gateway         {options.GatewayUrl.ToString().TrimEnd('/')}  (POST/GET {KnownPaths.Faults}, {KnownPaths.Health}, {KnownPaths.Metrics})");
        foreach (var instance in _supervisor?.Instances ?? [])
        {
            write($"  {instance.Id,-22} {instance.Url.ToString().TrimEnd('/')}  ({instance.Spec.Region})");
        }
        if (_postgres is not null)
        {
            write($"  PostgreSQL      primary 127.0.0.1:{_postgres.PrimaryPort}{(_postgres.ReplicaPort is { } port ? $", replica 127.0.0.1:{port}" : "")} (database {PostgresCluster.StoreDatabase}, files in {PostgresFolder})");
        }
        else
        {
            write($"  PostgreSQL      given with --primary{(_databases?.Replica is not null ? " and --replica" : "")}");
        }
        if (_redis is not null)
        {
            write($"  Redis           127.0.0.1:{_redis.Port}");
        }
        else if (options.UsesRedis)
        {
            write("  Redis           given with --redis");
        }
        write($"  OTLP endpoint   {options.OtlpEndpoint}");
        write($"  users           user-1 .. user-100000, password {_userPassword}");
        write($"  endpoints       {Path.Combine(options.DataFolder, EndpointsFile)} (connection strings to watch the servers)");
        write(_loadGen is null ? "  load            none (--users 0)" : $"  load            {(options.Ramp is { } ramp ? $"ramp {ramp}" : $"{options.Users} virtual users")}");
        write("Ctrl+C stops everything.");
    }

    /// <summary>Children exiting from now on are expected: not restarted, not reported.</summary>
    public void BeginStopping()
    {
        _supervisor?.BeginStopping();
        _loadGen?.BeginStopping();
    }

    /// <summary>Stops in reverse order of dependence: load, faults, services, gateway, then the servers. Safe after a failed start.</summary>
    public async Task StopAsync()
    {
        await Attempt("load generator", async () =>
        {
            if (_loadGen is not null)
            {
                await _loadGen.DisposeAsync();
            }
        });
        await Attempt("faults", async () =>
        {
            if (_gateway?.Services.GetService<FaultService>() is { } faults)
            {
                await faults.EndAllAsync();
            }
        });
        await Attempt("services", async () =>
        {
            if (_supervisor is not null)
            {
                await _supervisor.StopAllAsync();
            }
        });
        await Attempt("gateway", async () =>
        {
            if (_gateway is not null)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _gateway.StopAsync(grace.Token);
                await _gateway.DisposeAsync();
            }
        });
        await Attempt("Redis", async () =>
        {
            if (_redis is not null)
            {
                await _redis.StopAsync();
            }
        });
        await Attempt("PostgreSQL", async () =>
        {
            if (_postgres is not null)
            {
                await _postgres.StopAsync();
            }
        });
    }

    private void Progress(string part)
    {
        if (options.Verbose)
        {
            write($"{part} ready after {_clock.Elapsed.TotalSeconds:0.0} s");
        }
    }

    private async Task Attempt(string part, Func<Task> stop)
    {
        try
        {
            await stop();
        }
        catch (Exception exception)
        {
            // Keep going: one part failing to stop must not leave the others running.
            write($"Stopping {part} failed: {exception.Message}");
        }
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
