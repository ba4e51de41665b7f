using System.Globalization;

namespace Observability.Bench.LoadGenerator;

/// <summary>OTLP transport the exporters use.</summary>
public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}

/// <summary>A process whose CPU and memory are measured over the run: the receiver, and any helper such as its database.</summary>
public sealed record WatchedProcess(string Name, int Pid);

/// <summary>The command line of a load run.</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        Usage: Observability.Bench.LoadGenerator --endpoint URL [options]
               Observability.Bench.LoadGenerator table SUMMARY.json...

        Sends pre-encoded OTLP trace exports and reports throughput, latency and the receiver's CPU and memory.

          --endpoint URL            receiver base URL, e.g. http://127.0.0.1:4317 (gRPC) or http://127.0.0.1:4318 (HTTP);
                                    for HTTP, /v1/traces is appended unless the URL already has a path
          --protocol grpc|http      OTLP/gRPC or OTLP/HTTP with application/x-protobuf (default grpc)
          --exporters N             concurrent exporters, each with its own connection (default 8)
          --rate SPANS_PER_SECOND   target offered rate over all exporters; 0 = flat out (default 0)
          --duration SECONDS        measured window (default 60)
          --warmup SECONDS          load sent before the measured window, not counted (default 5)
          --spans-per-export N      spans in each export (default 512)
          --payloads N              distinct pre-encoded exports to rotate through (default 64, at least exporters + 1)
          --timeout SECONDS         deadline of one export (default 10)
          --api-key VALUE           sent in the x-otlp-api-key header (header name: --api-key-header)
          --pid [NAME=]PID          a process to measure: CPU of it and its descendants, its peak RSS; repeatable.
                                    The first is "the receiver"
          --data-path PATH          the receiver's data folder or file: its size after the run, per accepted span
          --label TEXT              names the run in the summary (default: the endpoint)
          --json PATH               also write the summary as JSON
          --seed N                  seed of the generated telemetry (default 1)

        The table command prints a Markdown table of the given --json summaries.
        """;

    public required Uri Endpoint { get; init; }
    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.Grpc;
    public int Exporters { get; init; } = 8;
    public double RateSpansPerSecond { get; init; }
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    public int SpansPerExport { get; init; } = 512;
    public int Payloads { get; init; } = 64;
    public TimeSpan ExportTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public string? ApiKey { get; init; }
    public string ApiKeyHeader { get; init; } = "x-otlp-api-key";
    public IReadOnlyList<WatchedProcess> Processes { get; init; } = [];
    public string Label { get; init; } = "";
    public string? JsonPath { get; init; }
    public string? DataPath { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>Where exports are sent: the gRPC base address, or the full OTLP/HTTP traces URL.</summary>
    public Uri ExportUri => Protocol == OtlpProtocol.HttpProtobuf && Endpoint.AbsolutePath is "" or "/"
        ? new Uri(Endpoint, "/v1/traces")
        : Endpoint;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the option at fault.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        Uri? endpoint = null;
        var protocol = OtlpProtocol.Grpc;
        int exporters = 8, spansPerExport = 512, payloads = 64, seed = 1;
        double rate = 0, duration = 60, warmup = 5, timeout = 10;
        string? apiKey = null, jsonPath = null, label = null, dataPath = null;
        var apiKeyHeader = "x-otlp-api-key";
        var processes = new List<WatchedProcess>();

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--endpoint":
                    var text = Value();
                    endpoint = Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                        ? uri
                        : throw new ArgumentException($"--endpoint '{text}' is not an http:// or https:// URL.");
                    break;
                case "--protocol":
                    protocol = Value() switch
                    {
                        "grpc" => OtlpProtocol.Grpc,
                        "http" or "http/protobuf" => OtlpProtocol.HttpProtobuf,
                        var other => throw new ArgumentException($"--protocol '{other}' is not supported; use grpc or http."),
                    };
                    break;
                case "--exporters": exporters = Int(name, Value(), 1, 1024); break;
                case "--rate": rate = Number(name, Value(), 0, 100_000_000); break;
                case "--duration": duration = Number(name, Value(), 1, 24 * 3600); break;
                case "--warmup": warmup = Number(name, Value(), 0, 3600); break;
                case "--spans-per-export": spansPerExport = Int(name, Value(), 1, 100_000); break;
                case "--payloads": payloads = Int(name, Value(), 1, 4096); break;
                case "--timeout": timeout = Number(name, Value(), 0.1, 600); break;
                case "--api-key": apiKey = Value(); break;
                case "--api-key-header": apiKeyHeader = Value(); break;
                case "--pid": processes.Add(ParseProcess(Value(), processes.Count)); break;
                case "--label": label = Value(); break;
                case "--json": jsonPath = Value(); break;
                case "--data-path": dataPath = Value(); break;
                case "--seed": seed = Int(name, Value(), 0, int.MaxValue); break;
                default: throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (endpoint is null)
        {
            throw new ArgumentException("--endpoint is required.");
        }
        return new LoadOptions
        {
            Endpoint = endpoint,
            Protocol = protocol,
            Exporters = exporters,
            RateSpansPerSecond = rate,
            Duration = TimeSpan.FromSeconds(duration),
            Warmup = TimeSpan.FromSeconds(warmup),
            SpansPerExport = spansPerExport,
            // Each in-flight export owns its buffer while ids are patched, so there must be one more than exporters.
            Payloads = Math.Max(payloads, exporters + 1),
            ExportTimeout = TimeSpan.FromSeconds(timeout),
            ApiKey = apiKey,
            ApiKeyHeader = apiKeyHeader,
            Processes = processes,
            Label = label ?? endpoint.ToString(),
            JsonPath = jsonPath,
            DataPath = dataPath,
            Seed = seed,
        };
    }

    private static WatchedProcess ParseProcess(string text, int index)
    {
        var separator = text.IndexOf('=');
        var (name, number) = separator < 0 ? (index == 0 ? "receiver" : $"process{index + 1}", text) : (text[..separator], text[(separator + 1)..]);
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            throw new ArgumentException($"--pid '{text}' is not [NAME=]PID.");
        }
        if (!Directory.Exists($"/proc/{pid}"))
        {
            throw new ArgumentException($"--pid {pid}: no such process.");
        }
        return new WatchedProcess(name, pid);
    }

    private static int Int(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} '{text}' must be a whole number from {min} to {max}.");

    private static double Number(string name, string text, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} '{text}' must be a number from {min} to {max}.");
}
