using Observability.Core.Rollups;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Observability.Collector.Hosting;
using Observability.Core.Storage;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

// Query benchmark: seeds a store with N spans over the last 24 hours for 20 services, through the store's own
// write path (so the rollups are the ones ingest builds), then times GET /api/red for one service over those 24
// hours at 1-minute steps against the real Collector host.
//   dotnet run -c Release --project bench/QueryBench -- --provider sqlite|postgres [--spans 10000000] [--requests 50]
var arguments = args.Select((value, index) => (value, index)).Where(p => p.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.value[2..], p => p.index + 1 < args.Length ? args[p.index + 1] : "");
var provider = arguments.GetValueOrDefault("provider", "sqlite");
var spanCount = long.Parse(arguments.GetValueOrDefault("spans", "10000000"), CultureInfo.InvariantCulture);
var requests = int.Parse(arguments.GetValueOrDefault("requests", "50"), CultureInfo.InvariantCulture);
// --hold S keeps the Collector serving for S seconds after the run, so a client in another process can measure it.
var holdSeconds = int.Parse(arguments.GetValueOrDefault("hold", "0"), CultureInfo.InvariantCulture);
const int Services = 20;
const int OperationsPerService = 10;
const int BatchSpans = 20_000;

PostgresServer? postgres = null;
var folder = Directory.CreateTempSubdirectory("obs-querybench-").FullName;
var settings = new Dictionary<string, string?>();
if (provider == "postgres")
{
    postgres = await PostgresServer.StartAsync();
    settings["Storage:Provider"] = "Postgres";
    settings["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("querybench");
}
else
{
    settings["Storage:Provider"] = "Sqlite";
    settings["Storage:Sqlite:Path"] = Path.Combine(folder, "observability.db");
}
var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
settings["urls"] = apiUrl;
settings["Collector:OtlpGrpcUrl"] = $"http://127.0.0.1:{FreePort.Next()}";
settings["Collector:OtlpHttpUrl"] = $"http://127.0.0.1:{FreePort.Next()}";

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark", ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(settings);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddCollector();
var app = builder.Build();
app.MapCollector();
await app.StartAsync();
var store = app.Services.GetRequiredService<ITelemetryStore>();

var end = DateTimeOffset.UtcNow;
var start = end.AddHours(-24);
var seeding = Stopwatch.StartNew();
var random = new Random(42);
var resources = Enumerable.Range(0, Services).Select(i => new TelemetryResource($"service-{i:D2}",
    $$"""{"service.name":"service-{{i:D2}}","service.instance.id":"i-{{i}}","cloud.region":"eu-west-1"}""")).ToArray();
var scope = new TelemetryScope("bench", "1.0");
var startNanos = (start - DateTimeOffset.UnixEpoch).Ticks * 100;
var spacingNanos = (double)(24L * 3600 * 1_000_000_000) / spanCount;
for (long written = 0; written < spanCount; written += BatchSpans)
{
    var batch = new TelemetryBatch();
    var traceId = new byte[16];
    for (var i = 0; i < BatchSpans && written + i < spanCount; i++)
    {
        if (i % 10 == 0)
        {
            random.NextBytes(traceId);
            traceId[0] |= 1;
        }
        var service = random.Next(Services);
        var spanId = new byte[8];
        random.NextBytes(spanId);
        spanId[0] |= 1;
        var at = startNanos + (long)((written + i) * spacingNanos);
        var durationNanos = (long)(Math.Exp(3 + 1.2 * Normal(random)) * 1_000_000);
        batch.Spans.Add(new SpanRecord
        {
            Resource = resources[service],
            Scope = scope,
            TraceId = (byte[])traceId.Clone(),
            SpanId = spanId,
            Name = $"operation-{random.Next(OperationsPerService)}",
            Kind = random.Next(10) < 6 ? SpanKind.Server : SpanKind.Client,
            StartUnixNanos = at,
            EndUnixNanos = at + durationNanos,
            StatusCode = random.Next(50) == 0 ? SpanStatusCode.Error : SpanStatusCode.Unset,
            AttributesJson = """{"http.request.method":"GET","http.response.status_code":200,"http.route":"/items/{id}"}""",
        });
    }
    await store.WriteAsync(batch, CancellationToken.None);
    if ((written / BatchSpans) % 50 == 0)
    {
        Console.WriteLine($"seeded {written + batch.Spans.Count:N0} spans in {seeding.Elapsed.TotalSeconds:F0} s");
    }
}
Console.WriteLine($"seeded {spanCount:N0} spans over 24 h for {Services} services in {seeding.Elapsed.TotalSeconds:F0} s ({spanCount / seeding.Elapsed.TotalSeconds:N0} spans/s through the store)");

using var client = new HttpClient { BaseAddress = new Uri(apiUrl) };
var url = $"/api/red?service=service-07&from={start.ToUnixTimeMilliseconds()}&to={end.ToUnixTimeMilliseconds()}&step=1m";
using (var warmup = await client.GetAsync(url))
{
    warmup.EnsureSuccessStatusCode();
    var body = await warmup.Content.ReadAsStringAsync();
    Console.WriteLine($"response: {body.Length:N0} bytes; first point: {body[..Math.Min(body.Length, 400)]}");
}
var timings = new List<double>();
for (var i = 0; i < requests; i++)
{
    var watch = Stopwatch.StartNew();
    using var response = await client.GetAsync(url);
    await response.Content.ReadAsByteArrayAsync();
    response.EnsureSuccessStatusCode();
    timings.Add(watch.Elapsed.TotalMilliseconds);
}
timings.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT provider={provider} spans={spanCount} requests={requests} red_24h_1m_median_ms={timings[timings.Count / 2]:F1} p90_ms={timings[(int)(timings.Count * 0.9)]:F1} min_ms={timings[0]:F1} max_ms={timings[^1]:F1}"));

// Where the time goes: the rollup read alone, then the read with merges and quantiles, without HTTP and JSON.
var red = app.Services.GetRequiredService<Observability.Collector.Query.RedQueryService>();
var readOnly = new List<double>();
var compute = new List<double>();
var fromNanos = (start - DateTimeOffset.UnixEpoch).Ticks * 100;
var toNanos = (end - DateTimeOffset.UnixEpoch).Ticks * 100;
var rows = 0;
var serialize = new List<double>();
for (var i = 0; i < requests; i++)
{
    var watch = Stopwatch.StartNew();
    rows = (await store.GetSpanRollupsAsync(new Observability.Core.Rollups.SpanRollupQuery(
        Observability.Core.Rollups.SpanRollupResolutions.OneMinute, fromNanos, toNanos, "service-07", null,
        Observability.Collector.Query.RedQueryService.DefaultKinds), CancellationToken.None)).Count;
    readOnly.Add(watch.Elapsed.TotalMilliseconds);
    watch.Restart();
    var series = await red.SeriesAsync("service-07", null, Observability.Collector.Query.RedQueryService.DefaultKinds, start, end, TimeSpan.FromMinutes(1), CancellationToken.None);
    compute.Add(watch.Elapsed.TotalMilliseconds);
    watch.Restart();
    System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(series, System.Text.Json.JsonSerializerOptions.Web);
    serialize.Add(watch.Elapsed.TotalMilliseconds);
}
readOnly.Sort();
compute.Sort();
serialize.Sort();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"PROFILE rollup_rows={rows} read_and_decode_median_ms={readOnly[readOnly.Count / 2]:F1} read_merge_quantiles_median_ms={compute[compute.Count / 2]:F1} json_median_ms={serialize[serialize.Count / 2]:F1}"));

if (holdSeconds > 0)
{
    Console.WriteLine($"HOLD {apiUrl}{url} for {holdSeconds} s");
    await Task.Delay(TimeSpan.FromSeconds(holdSeconds));
}
await app.StopAsync();
await app.DisposeAsync();
if (postgres is not null)
{
    await postgres.DisposeAsync();
}
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
