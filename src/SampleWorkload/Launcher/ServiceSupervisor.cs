using System.Diagnostics;
using System.Reflection;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Launcher;

/// <summary>
/// Starts each service instance as this same binary with a role, waits for its /healthz, restarts it after an
/// unexpected exit or on demand (faults, deployments), and stops them all: SIGTERM, then SIGKILL after a grace period.
/// </summary>
internal sealed class ServiceSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    private readonly SupervisorOptions _options;
    private readonly List<ServiceInstance> _instances = [];
    private readonly HttpClient _health = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Lock _childrenFileLock = new();
    private readonly Dictionary<int, string> _otherChildren = [];
    private volatile bool _stopping;

    public ServiceSupervisor(SupervisorOptions options, IEnumerable<InstanceSpec> specs)
    {
        _options = options;
        var ports = new HashSet<int>();
        foreach (var spec in specs)
        {
            int port;
            do
            {
                port = FreePort.Next();
            }
            while (!ports.Add(port));
            _instances.Add(new ServiceInstance(spec, port));
        }
    }

    public IReadOnlyList<ServiceInstance> Instances => _instances;

    /// <summary>Called each time an instance has (re)started and answered /healthz; the gateway puts it back in rotation.</summary>
    public Action<ServiceInstance>? InstanceHealthy { get; set; }

    /// <summary>Base URL of the first instance of a role, for the settings of the services that call it.</summary>
    public Uri? UrlOf(string role) => _instances.FirstOrDefault(instance => instance.Role == role)?.Url;

    /// <summary>
    /// Starts every instance and waits until each answers /healthz. The first storefront starts alone with the
    /// other services, because it creates and seeds the database; the remaining storefronts then start together.
    /// </summary>
    public async Task StartAllAsync(CancellationToken cancellationToken)
    {
        var firstStorefront = _instances.FirstOrDefault(instance => instance.Role == KnownRoles.Storefront);
        var first = _instances.Where(instance => instance.Role != KnownRoles.Storefront || instance == firstStorefront).ToList();
        await Task.WhenAll(first.Select(instance => StartAsync(instance, cancellationToken)));
        await Task.WhenAll(_instances.Except(first).Select(instance => StartAsync(instance, cancellationToken)));
    }

    /// <summary>Starts the instance's process and waits until it is healthy; throws with its last output lines if it is not.</summary>
    public async Task StartAsync(ServiceInstance instance, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in _options.LeadingArguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(instance.Role);
        foreach (var (name, value) in EnvironmentFor(instance))
        {
            start.Environment[name] = value;
        }

        instance.StopRequested = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var printingError = false;
        void OnLine(string? line, bool isError)
        {
            if (line is null)
            {
                return;
            }
            instance.Output.Add(line);
            // The console logger writes "fail: Category[0]" and then the message indented on the next lines.
            printingError = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
                || (printingError && line.StartsWith(' '));
            if (_options.Verbose || isError || printingError)
            {
                _options.Write($"[{instance.Id}] {line}");
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, isError: true);
        process.Exited += (_, _) => OnExited(instance, process);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {instance.Id}.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        instance.Process = process;
        WriteChildrenFile();

        await WaitHealthyAsync(instance, process, cancellationToken);
    }

    /// <summary>Kills the instance at once (SIGKILL) and keeps it down until <see cref="ReviveAsync"/>.</summary>
    public ServiceInstance? Crash(ServiceInstance instance)
    {
        instance.HeldDown = true;
        if (instance.Process is { HasExited: false } process)
        {
            instance.StopRequested = true;
            process.Kill();
            return instance;
        }
        return null;
    }

    /// <summary>Starts a held-down instance again.</summary>
    public async Task ReviveAsync(ServiceInstance instance, CancellationToken cancellationToken)
    {
        instance.HeldDown = false;
        if (instance.ProcessId is null && !_stopping)
        {
            await StartAsync(instance, cancellationToken);
        }
    }

    /// <summary>Stops the instance gracefully and starts it again, with a new version when given (a deployment step).</summary>
    public async Task RestartAsync(ServiceInstance instance, string? version, CancellationToken cancellationToken)
    {
        await StopAsync(instance);
        if (version is not null)
        {
            instance.Version = version;
        }
        // An instance kept down by an instance-crash fault comes back, with the new version, when that fault ends.
        if (!_stopping && !instance.HeldDown)
        {
            await StartAsync(instance, cancellationToken);
        }
    }

    /// <summary>Lists a child started elsewhere (the load generator) for the next launcher's sweep.</summary>
    public void Track(int processId, string role)
    {
        lock (_childrenFileLock)
        {
            _otherChildren[processId] = role;
        }
        WriteChildrenFile();
    }

    /// <summary>
    /// From now on an exiting instance is expected, not restarted. Called from the signal handler: Ctrl+C in a terminal
    /// reaches the whole process group, so the services begin to exit at the same moment as the launcher hears it.
    /// </summary>
    public void BeginStopping() => _stopping = true;

    /// <summary>Stops every instance, the storefronts first so no request reaches a service already gone.</summary>
    public async Task StopAllAsync()
    {
        _stopping = true;
        await Task.WhenAll(_instances.Where(instance => instance.Role == KnownRoles.Storefront).Select(StopAsync));
        await Task.WhenAll(_instances.Where(instance => instance.Role != KnownRoles.Storefront).Select(StopAsync));
        var childrenFile = Path.Combine(_options.DataFolder, StaleServerSweep.ChildrenFileName);
        lock (_childrenFileLock)
        {
            File.Delete(childrenFile);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        _health.Dispose();
    }

    /// <summary>How to start this binary again with a role: through dotnet for a .dll, else the executable itself.</summary>
    public static (string FileName, IReadOnlyList<string> LeadingArguments) ThisBinary()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("The launcher's own executable is unknown.");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(processPath) == "dotnet" && entry is { Length: > 0 }
            ? (processPath, [entry])
            : (processPath, []);
    }

    private async Task StopAsync(ServiceInstance instance)
    {
        if (instance.Process is not { } process)
        {
            return;
        }
        instance.StopRequested = true;
        await UnixProcess.TerminateAsync(process);
        instance.Process = null;
        process.Dispose();
    }

    private async Task WaitHealthyAsync(ServiceInstance instance, Process process, CancellationToken cancellationToken)
    {
        var health = new Uri(instance.Url, KnownPaths.Health);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"{instance.Id} exited with code {process.ExitCode} before it became healthy. Its last output:{Environment.NewLine}{instance.Output.Text()}");
            }
            try
            {
                using var response = await _health.GetAsync(health, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    InstanceHealthy?.Invoke(instance);
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The health check itself timed out; the service is still busy starting.
            }
            if (clock.Elapsed > HealthyTimeout)
            {
                throw new InvalidOperationException(
                    $"{instance.Id} did not answer {health} with 200 within {HealthyTimeout.TotalSeconds:0} s. Its last output:{Environment.NewLine}{instance.Output.Text()}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    private void OnExited(ServiceInstance instance, Process process)
    {
        if (instance.StopRequested || _stopping || instance.HeldDown || instance.Process != process)
        {
            return;
        }
        _options.Write($"{instance.Id} exited unexpectedly with code {process.ExitCode}; restarting it in {RestartDelay.TotalSeconds:0} s");
        _ = Task.Run(async () =>
        {
            await Task.Delay(RestartDelay);
            if (_stopping || instance.HeldDown || instance.Process != process)
            {
                return;
            }
            try
            {
                await StartAsync(instance, CancellationToken.None);
            }
            catch (InvalidOperationException exception)
            {
                _options.Write($"{instance.Id} could not be restarted: {exception.Message}");
            }
        });
    }

    private Dictionary<string, string> EnvironmentFor(ServiceInstance instance)
    {
        var environment = new Dictionary<string, string>(_options.Settings)
        {
            [EnvironmentName(KnownSettings.Urls)] = instance.Url.ToString().TrimEnd('/'),
            [EnvironmentName(KnownSettings.Region)] = instance.Spec.Region,
            [EnvironmentName(KnownSettings.RegionLatencyMilliseconds)] = instance.Spec.RegionLatencyMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OTEL_SERVICE_NAME"] = KnownRoles.ServiceName(instance.Role),
            ["OTEL_RESOURCE_ATTRIBUTES"] =
                $"service.instance.id={instance.Id},service.version={instance.Version},cloud.region={instance.Spec.Region},"
                + $"deployment.environment.name=sample,workload.phase={_options.Phase}",
            [ParentWatchdog.ParentPidVariable] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (_options.Phase >= 4)
        {
            foreach (var (setting, role) in new[] { (KnownSettings.AuthUrl, KnownRoles.Auth), (KnownSettings.PaymentUrl, KnownRoles.Payment), (KnownSettings.ReportingUrl, KnownRoles.Reporting) })
            {
                if (UrlOf(role) is { } url)
                {
                    environment[EnvironmentName(setting)] = url.ToString().TrimEnd('/');
                }
            }
        }
        return environment;
    }

    /// <summary>"ConnectionStrings:Primary" as the environment variable ASP.NET Core reads it from: "ConnectionStrings__Primary".</summary>
    public static string EnvironmentName(string settingKey) => settingKey.Replace(":", "__", StringComparison.Ordinal);

    private void WriteChildrenFile()
    {
        // The sweep of the next launcher kills what is listed here if this launcher dies without stopping them.
        // Each line: the pid and what its command line must contain for the pid still to be ours (this binary and the role).
        var binary = _options.LeadingArguments.Count > 0 ? _options.LeadingArguments[0] : _options.FileName;
        var lines = _instances
            .Select(instance => (instance.ProcessId, instance.Role))
            .Where(child => child.ProcessId is not null)
            .Select(child => $"{child.ProcessId} {binary} {child.Role}")
            .ToList();
        lock (_childrenFileLock)
        {
            lines.AddRange(_otherChildren.Select(child => $"{child.Key} {binary} {child.Value}"));
            File.WriteAllLines(Path.Combine(_options.DataFolder, StaleServerSweep.ChildrenFileName), lines);
        }
    }
}

/// <summary>How the supervisor starts and describes the service processes.</summary>
internal sealed record SupervisorOptions
{
    /// <summary>The executable to start (dotnet, or this binary's apphost).</summary>
    public required string FileName { get; init; }

    /// <summary>Arguments before the role: the entry .dll when started through dotnet.</summary>
    public required IReadOnlyList<string> LeadingArguments { get; init; }

    /// <summary>Environment variables every service gets: connection strings, phase, passwords, OTLP endpoint.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }

    public required int Phase { get; init; }

    /// <summary>Where the list of child pids is kept for the next launcher's sweep.</summary>
    public required string DataFolder { get; init; }

    public required bool Verbose { get; init; }

    /// <summary>Writes one line to the console.</summary>
    public required Action<string> Write { get; init; }
}
