using Google.Protobuf;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Resource.V1;
using Observability.Collector.Otlp.Proto.Trace.V1;

namespace Observability.Bench.LoadGenerator.Telemetry;

/// <summary>
/// Builds exports of realistic traces: trees of 5 to 20 spans across the shop's services, with HTTP server and
/// client spans, database and messaging spans, about twenty attributes each, some errors with exception events.
/// An export holds whole traces, its spans grouped by resource and instrumentation scope as a gateway collector
/// would forward them.
/// </summary>
internal sealed class TraceFactory
{
    public const int MinSpansPerTrace = 5;
    public const int MaxSpansPerTrace = 20;
    private const int MinAttributes = 18;
    private const int MaxAttributes = 22;
    private const long NanosPerMillisecond = 1_000_000;

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "ShopMobile/4.2.0 (Android 15; Pixel 8)",
        "okhttp/4.12.0",
    ];

    private static readonly string[] ExperimentBuckets = ["control", "variant-a", "variant-b"];
    private static readonly string[] Priorities = ["low", "normal", "normal", "high"];
    private static readonly string[] Currencies = ["EUR", "USD", "GBP", "SEK"];

    private static readonly (string Type, string Message)[] Exceptions =
    [
        ("System.InvalidOperationException", "Sequence contains no matching element"),
        ("System.TimeoutException", "The operation has timed out after 00:00:05"),
        ("System.Net.Http.HttpRequestException", "Response status code does not indicate success: 503 (Service Unavailable)."),
        ("Npgsql.PostgresException", "40001: could not serialize access due to concurrent update"),
        ("StackExchange.Redis.RedisTimeoutException", "Timeout awaiting response (outbound=0KiB, inbound=0KiB, 5000ms elapsed, timeout is 5000ms)"),
        ("System.ArgumentException", "Value does not fall within the expected range. (Parameter 'quantity')"),
    ];

    private readonly Random _random;
    private readonly ServiceInstance[][] _instances;
    private readonly Dictionary<string, InstrumentationScope> _scopes = [];
    private readonly Dictionary<ServiceInstance, Resource> _resources = [];

    /// <param name="seed">Seeds everything random in the generated spans.</param>
    /// <param name="instances">The fleet, shared by every factory so that all exports come from the same resources.</param>
    public TraceFactory(int seed, ServiceInstance[][] instances)
    {
        _random = new Random(seed);
        _instances = instances;
    }

    /// <summary>An export of exactly <paramref name="spanCount"/> spans that end around <paramref name="nowUnixNanos"/>.</summary>
    public ExportTraceServiceRequest CreateExport(int spanCount, long nowUnixNanos)
    {
        var request = new ExportTraceServiceRequest();
        var resourceSpansOf = new Dictionary<ServiceInstance, ResourceSpans>();
        var scopeSpansOf = new Dictionary<(ServiceInstance, string), ScopeSpans>();
        var remaining = spanCount;
        while (remaining > 0)
        {
            var size = TraceSize(remaining);
            // Traces in one export started within the last two seconds or so, as an SDK's batch would hold them.
            var rootStart = nowUnixNanos - (long)(_random.NextDouble() * 1_500 * NanosPerMillisecond) - 500 * NanosPerMillisecond;
            foreach (var node in CreateTrace(size, rootStart))
            {
                if (!scopeSpansOf.TryGetValue((node.Instance, node.ScopeName), out var scopeSpans))
                {
                    if (!resourceSpansOf.TryGetValue(node.Instance, out var resourceSpans))
                    {
                        resourceSpans = new ResourceSpans { Resource = ResourceOf(node.Instance), SchemaUrl = "https://opentelemetry.io/schemas/1.34.0" };
                        resourceSpansOf.Add(node.Instance, resourceSpans);
                        request.ResourceSpans.Add(resourceSpans);
                    }
                    scopeSpans = new ScopeSpans { Scope = ScopeOf(node.ScopeName, node.Instance.Service) };
                    scopeSpansOf.Add((node.Instance, node.ScopeName), scopeSpans);
                    resourceSpans.ScopeSpans.Add(scopeSpans);
                }
                scopeSpans.Spans.Add(node.Span);
            }
            remaining -= size;
        }
        return request;
    }

    /// <summary>5 to 20 spans, chosen so that what is left for the export's last trace is not fewer than 5 either.</summary>
    private int TraceSize(int remaining)
    {
        if (remaining <= MaxSpansPerTrace)
        {
            return remaining;
        }
        var size = _random.Next(MinSpansPerTrace, MaxSpansPerTrace + 1);
        return remaining - size < MinSpansPerTrace ? remaining - MinSpansPerTrace : size;
    }

    private sealed class Node(Span span, ServiceInstance instance, string scopeName, Node? parent)
    {
        public Span Span { get; } = span;
        public ServiceInstance Instance { get; } = instance;
        public string ScopeName { get; } = scopeName;
        public Node? Parent { get; } = parent;
        public List<Node> Children { get; } = [];
        public bool Expandable => Span.Kind is Span.Types.SpanKind.Server or Span.Types.SpanKind.Consumer or Span.Types.SpanKind.Internal;
    }

    private List<Node> CreateTrace(int size, long rootStartUnixNanos)
    {
        var traceId = ByteString.CopyFrom(RandomId(16));
        var instanceOf = new Dictionary<ShopService, ServiceInstance>();
        ServiceInstance Pick(ShopService service)
        {
            if (!instanceOf.TryGetValue(service, out var instance))
            {
                instance = _instances[Array.IndexOf(ShopServices.All, service)][_random.Next(3)];
                instanceOf.Add(service, instance);
            }
            return instance;
        }

        var entry = ShopServices.All[_random.Next(2)];
        var root = NewNode(traceId, Pick(entry), null, Span.Types.SpanKind.Server, "Microsoft.AspNetCore");
        FillServer(root, entry.Routes[_random.Next(entry.Routes.Length)], isEntry: true);
        var nodes = new List<Node> { root };

        while (nodes.Count < size)
        {
            var expandable = nodes.Where(node => node.Expandable).ToList();
            var parent = expandable[_random.Next(expandable.Count)];
            var service = parent.Instance.Service;
            var left = size - nodes.Count;
            var roll = _random.Next(10);
            if (left >= 2 && roll < 4)
            {
                var target = ShopServices.Downstream[_random.Next(ShopServices.Downstream.Length)];
                var route = target.Routes[_random.Next(target.Routes.Length)];
                var client = NewNode(traceId, parent.Instance, parent, Span.Types.SpanKind.Client, "System.Net.Http");
                var server = NewNode(traceId, Pick(target), client, Span.Types.SpanKind.Server, "Microsoft.AspNetCore");
                var status = FillServer(server, route, isEntry: false);
                FillClient(client, route, server.Instance, status);
                nodes.Add(client);
                nodes.Add(server);
            }
            else if (left >= 2 && roll == 4 && service.ProducesTopics.Length + service.ConsumesTopics.Length > 0)
            {
                var topics = service.ProducesTopics.Length > 0 ? service.ProducesTopics : service.ConsumesTopics;
                var topic = topics[_random.Next(topics.Length)];
                var consumers = ShopServices.All.Where(s => s.ConsumesTopics.Contains(topic) && s != service).ToArray();
                if (consumers.Length == 0)
                {
                    continue;
                }
                var producer = NewNode(traceId, parent.Instance, parent, Span.Types.SpanKind.Producer, "Confluent.Kafka");
                var consumer = NewNode(traceId, Pick(consumers[_random.Next(consumers.Length)]), producer, Span.Types.SpanKind.Consumer, "Confluent.Kafka");
                FillMessaging(producer, topic, "send", consumer.Instance.Service.Name);
                FillMessaging(consumer, topic, "process", consumer.Instance.Service.Name);
                nodes.Add(producer);
                nodes.Add(consumer);
            }
            else if (roll < 8 && service.DbSystem is not null)
            {
                var db = NewNode(traceId, parent.Instance, parent, Span.Types.SpanKind.Client, service.DbSystem == "redis" ? "OpenTelemetry.Instrumentation.StackExchangeRedis" : "Npgsql");
                FillDatabase(db);
                nodes.Add(db);
            }
            else
            {
                var work = NewNode(traceId, parent.Instance, parent, Span.Types.SpanKind.Internal, $"Shop.{Pascal(service.Name)}");
                FillInternal(work);
                nodes.Add(work);
            }
        }

        var rootDurationNanos = (long)(Math.Clamp(Math.Exp(Normal(Math.Log(60), 0.8)), 2, 5_000) * NanosPerMillisecond);
        AssignTimes(root, rootStartUnixNanos, rootDurationNanos);
        PropagateErrors(root);
        return nodes;
    }

    private Node NewNode(ByteString traceId, ServiceInstance instance, Node? parent, Span.Types.SpanKind kind, string scopeName)
    {
        var span = new Span
        {
            TraceId = traceId,
            SpanId = ByteString.CopyFrom(RandomId(8)),
            ParentSpanId = parent?.Span.SpanId ?? ByteString.Empty,
            Kind = kind,
            // W3C sampled flag; "has is-remote" always, and "is remote" when the parent came over the wire.
            Flags = parent is not null && parent.Instance != instance ? 0x301u : 0x101u,
        };
        var node = new Node(span, instance, scopeName, parent);
        parent?.Children.Add(node);
        return node;
    }

    private int FillServer(Node node, string route, bool isEntry)
    {
        var span = node.Span;
        var (method, template) = SplitRoute(route);
        var status = HttpStatus();
        span.Name = route;
        Add(span, "http.request.method", method);
        Add(span, "url.path", Concrete(template));
        Add(span, "url.scheme", isEntry ? "https" : "http");
        Add(span, "http.route", template);
        Add(span, "http.response.status_code", status);
        Add(span, "server.address", isEntry ? "shop.example.com" : node.Instance.Service.Name);
        Add(span, "server.port", isEntry ? 443 : 8080);
        Add(span, "network.protocol.version", isEntry ? "2" : "1.1");
        Add(span, "network.peer.address", isEntry ? $"10.0.{_random.Next(256)}.{_random.Next(256)}" : node.Parent!.Instance.Address);
        Add(span, "network.peer.port", _random.Next(32768, 61000));
        Add(span, "client.address", isEntry ? $"203.0.113.{_random.Next(1, 255)}" : node.Parent!.Instance.Address);
        Add(span, "user_agent.original", isEntry ? UserAgents[_random.Next(UserAgents.Length)] : "shop-http-client/1.0");
        if (method is "POST" or "PATCH")
        {
            Add(span, "http.request.body.size", _random.Next(80, 4_000));
        }
        Add(span, "http.response.body.size", _random.Next(0, 40_000));
        if (status >= 500)
        {
            span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = status == 503 ? "Service Unavailable" : "Internal Server Error" };
            Add(span, "error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            AddException(span);
        }
        FillApp(span);
        return status;
    }

    private void FillClient(Node node, string route, ServiceInstance target, int status)
    {
        var span = node.Span;
        var (method, template) = SplitRoute(route);
        span.Name = method;
        Add(span, "http.request.method", method);
        Add(span, "url.full", $"http://{target.Service.Name}:8080{Concrete(template)}");
        Add(span, "url.template", template);
        Add(span, "server.address", target.Service.Name);
        Add(span, "server.port", 8080);
        Add(span, "http.response.status_code", status);
        Add(span, "network.protocol.version", "1.1");
        Add(span, "network.peer.address", target.Address);
        Add(span, "network.peer.port", 8080);
        if (_random.Next(20) == 0)
        {
            Add(span, "http.request.resend_count", 1);
        }
        if (status >= 400)
        {
            span.Status = new Status { Code = Status.Types.StatusCode.Error };
            Add(span, "error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        FillApp(span);
    }

    private void FillDatabase(Node node)
    {
        var span = node.Span;
        var service = node.Instance.Service;
        var table = service.Tables[_random.Next(service.Tables.Length)];
        if (service.DbSystem == "redis")
        {
            var command = _random.Next(3) switch { 0 => "GET", 1 => "HGETALL", _ => "SET" };
            span.Name = command;
            Add(span, "db.system.name", "redis");
            Add(span, "db.operation.name", command);
            Add(span, "db.namespace", "0");
            Add(span, "db.query.text", $"{command} {table}:{_random.Next(1_000_000)}");
            Add(span, "server.address", $"{service.Name}-redis");
            Add(span, "server.port", 6379);
            Add(span, "network.peer.address", $"10.43.{_random.Next(20)}.{_random.Next(2, 250)}");
            Add(span, "network.peer.port", 6379);
        }
        else
        {
            var (operation, text) = _random.Next(4) switch
            {
                0 => ("INSERT", $"INSERT INTO {table} (id, tenant_id, created_at, payload, status) VALUES ($1, $2, $3, $4, $5)"),
                1 => ("UPDATE", $"UPDATE {table} SET status = $1, updated_at = now() WHERE id = $2 AND version = $3"),
                _ => ("SELECT", $"SELECT t.id, t.tenant_id, t.status, t.created_at, t.payload FROM {table} t WHERE t.tenant_id = $1 AND t.created_at > $2 ORDER BY t.created_at DESC LIMIT 50"),
            };
            span.Name = $"{operation} {table}";
            Add(span, "db.system.name", "postgresql");
            Add(span, "db.namespace", service.Name.Replace('-', '_'));
            Add(span, "db.operation.name", operation);
            Add(span, "db.collection.name", table);
            Add(span, "db.query.text", text);
            Add(span, "db.query.summary", $"{operation} {table}");
            Add(span, "server.address", $"{service.Name}-db.internal");
            Add(span, "server.port", 5432);
            Add(span, "network.peer.address", $"10.44.{_random.Next(20)}.{_random.Next(2, 250)}");
            Add(span, "network.peer.port", 5432);
            Add(span, "db.response.returned_rows", operation == "SELECT" ? _random.Next(0, 51) : 1);
        }
        if (_random.Next(100) == 0)
        {
            span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "database error" };
            Add(span, "error.type", service.DbSystem == "redis" ? "StackExchange.Redis.RedisTimeoutException" : "Npgsql.PostgresException");
            Add(span, "db.response.status_code", service.DbSystem == "redis" ? "TIMEOUT" : "40001");
            AddException(span);
        }
        FillApp(span);
    }

    private void FillMessaging(Node node, string topic, string operation, string consumerGroup)
    {
        var span = node.Span;
        span.Name = $"{operation} {topic}";
        Add(span, "messaging.system", "kafka");
        Add(span, "messaging.operation.type", operation);
        Add(span, "messaging.operation.name", operation);
        Add(span, "messaging.destination.name", topic);
        Add(span, "messaging.destination.partition.id", _random.Next(12).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(span, "messaging.message.id", RandomGuid());
        Add(span, "messaging.kafka.message.key", $"order-{_random.Next(10_000_000)}");
        Add(span, "messaging.kafka.offset", (long)_random.Next(1, int.MaxValue));
        Add(span, "messaging.message.body.size", _random.Next(200, 3_000));
        Add(span, "server.address", "kafka-0.kafka.internal");
        Add(span, "server.port", 9092);
        if (operation == "process")
        {
            Add(span, "messaging.consumer.group.name", consumerGroup);
            if (node.Instance.Service.Name == "reporting")
            {
                // The reporting service consumes in batches and links each batch to the messages' producers.
                span.Links.Add(new Span.Types.Link { TraceId = node.Parent!.Span.TraceId, SpanId = node.Parent.Span.SpanId, Flags = 0x301 });
            }
        }
        FillApp(span);
    }

    private void FillInternal(Node node)
    {
        var span = node.Span;
        var service = node.Instance.Service;
        var operation = service.Operations[_random.Next(service.Operations.Length)];
        var type = $"Shop.{Pascal(service.Name)}.{Pascal(service.Name)}Service";
        span.Name = $"{Pascal(service.Name)}Service.{operation}";
        Add(span, "code.function.name", $"{type}.{operation}Async");
        Add(span, "code.file.path", $"/src/{Pascal(service.Name)}/{Pascal(service.Name)}Service.cs");
        Add(span, "code.line.number", _random.Next(20, 600));
        Add(span, "thread.id", _random.Next(1, 64));
        if (_random.Next(20) == 0)
        {
            span.Events.Add(new Span.Types.Event
            {
                Name = "cache.miss",
                Attributes = { KeyValue("cache.key", $"{service.Name}:{_random.Next(100_000)}"), KeyValue("cache.name", "memory") },
            });
        }
        FillApp(span);
    }

    /// <summary>Custom application attributes of every type, until the span has about twenty.</summary>
    private void FillApp(Span span)
    {
        var target = _random.Next(MinAttributes, MaxAttributes + 1);
        var candidates = new Func<KeyValue>[]
        {
            () => KeyValue("app.tenant.id", $"tenant-{_random.Next(500):0000}"),
            () => KeyValue("app.user.id", $"user-{_random.Next(2_000_000)}"),
            () => KeyValue("app.session.id", Convert.ToHexStringLower(RandomId(8))),
            () => KeyValue("app.request.id", RandomGuid()),
            () => KeyValue("app.cart.item_count", _random.Next(0, 30)),
            () => KeyValue("app.order.amount", Math.Round(_random.NextDouble() * 500, 2)),
            () => KeyValue("app.order.currency", Currencies[_random.Next(Currencies.Length)]),
            () => KeyValue("app.cache.hit", _random.Next(3) != 0),
            () => KeyValue("app.retry.count", _random.Next(10) == 0 ? 1 : 0),
            () => KeyValue("app.feature.new_checkout", _random.Next(2) == 0),
            () => KeyValue("app.experiment.bucket", ExperimentBuckets[_random.Next(ExperimentBuckets.Length)]),
            () => KeyValue("app.queue.wait_ms", Math.Round(_random.NextDouble() * 40, 3)),
            () => KeyValue("app.priority", Priorities[_random.Next(Priorities.Length)]),
            () => KeyValue("app.items.returned", _random.Next(0, 100)),
            () => KeyValue("app.region.is_primary", _random.Next(4) != 0),
            () => KeyValue("app.score", _random.NextDouble()),
            () => KeyValue("thread.name", ".NET TP Worker"),
            () => KeyValue("app.build.commit", "9f3c2e1"),
        };
        var start = _random.Next(candidates.Length);
        for (var i = 0; i < candidates.Length && span.Attributes.Count < target; i++)
        {
            span.Attributes.Add(candidates[(start + i) % candidates.Length]());
        }
    }

    private void AddException(Span span)
    {
        var (type, message) = Exceptions[_random.Next(Exceptions.Length)];
        span.Events.Add(new Span.Types.Event
        {
            Name = "exception",
            Attributes =
            {
                KeyValue("exception.type", type),
                KeyValue("exception.message", message),
                KeyValue("exception.stacktrace", StackTrace(type, message)),
            },
        });
    }

    private string StackTrace(string type, string message)
    {
        var frames = _random.Next(6, 16);
        var lines = new List<string>(frames + 1) { $"{type}: {message}" };
        for (var i = 0; i < frames; i++)
        {
            var service = ShopServices.All[_random.Next(ShopServices.All.Length)];
            var operation = service.Operations[_random.Next(service.Operations.Length)];
            lines.Add($"   at Shop.{Pascal(service.Name)}.{Pascal(service.Name)}Service.{operation}Async(CancellationToken cancellationToken) in /src/{Pascal(service.Name)}/{Pascal(service.Name)}Service.cs:line {_random.Next(20, 600)}");
        }
        return string.Join('\n', lines);
    }

    /// <summary>Children run one after another inside their parent; a call's server span sits inside its client span.</summary>
    private void AssignTimes(Node node, long startUnixNanos, long durationNanos)
    {
        node.Span.StartTimeUnixNano = (ulong)startUnixNanos;
        node.Span.EndTimeUnixNano = (ulong)(startUnixNanos + durationNanos);
        foreach (var spanEvent in node.Span.Events)
        {
            spanEvent.TimeUnixNano = (ulong)(startUnixNanos + (long)(durationNanos * (0.5 + 0.45 * _random.NextDouble())));
        }
        if (node.Children.Count == 0)
        {
            return;
        }
        if (node.Span.Kind == Span.Types.SpanKind.Producer)
        {
            // The consumer picks the message up after it was sent, and may outlive the trace's root.
            var queueNanos = (long)(_random.Next(1, 50) * NanosPerMillisecond);
            AssignTimes(node.Children[0], startUnixNanos + durationNanos + queueNanos, (long)(_random.Next(2, 120) * NanosPerMillisecond));
            return;
        }
        if (node.Span.Kind == Span.Types.SpanKind.Client)
        {
            var network = durationNanos / 20;
            AssignTimes(node.Children[0], startUnixNanos + network, durationNanos - 2 * network);
            return;
        }
        var slot = durationNanos * 9 / 10 / node.Children.Count;
        var cursor = startUnixNanos + durationNanos / 20;
        foreach (var child in node.Children)
        {
            AssignTimes(child, cursor + (long)(slot * 0.05 * _random.NextDouble()), Math.Max(1_000, (long)(slot * (0.5 + 0.45 * _random.NextDouble()))));
            cursor += slot;
        }
    }

    /// <summary>A failed downstream call fails its caller's request now and then, as real error cascades do.</summary>
    private void PropagateErrors(Node node)
    {
        foreach (var child in node.Children)
        {
            PropagateErrors(child);
        }
        if (node.Span.Kind == Span.Types.SpanKind.Server && node.Span.Status is null
            && node.Children.Any(child => child.Span.Status?.Code == Status.Types.StatusCode.Error) && _random.Next(2) == 0)
        {
            node.Span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "A downstream call failed" };
            foreach (var attribute in node.Span.Attributes.Where(a => a.Key == "http.response.status_code"))
            {
                attribute.Value.IntValue = 502;
            }
            Add(node.Span, "error.type", "502");
            if (node.Parent is { Span.Kind: Span.Types.SpanKind.Client } caller)
            {
                caller.Span.Status ??= new Status { Code = Status.Types.StatusCode.Error };
                foreach (var attribute in caller.Span.Attributes.Where(a => a.Key == "http.response.status_code"))
                {
                    attribute.Value.IntValue = 502;
                }
            }
        }
    }

    private int HttpStatus() => _random.Next(1000) switch
    {
        < 15 => 500,
        < 20 => 503,
        < 35 => 404,
        < 45 => 400,
        < 50 => 401,
        < 55 => 409,
        < 70 => 201,
        _ => 200,
    };

    private Resource ResourceOf(ServiceInstance instance)
    {
        if (_resources.TryGetValue(instance, out var resource))
        {
            return resource;
        }
        resource = new Resource
        {
            Attributes =
            {
                KeyValue("service.name", instance.Service.Name),
                KeyValue("service.namespace", "shop"),
                KeyValue("service.version", instance.Service.Version),
                KeyValue("service.instance.id", instance.InstanceId),
                KeyValue("host.name", instance.HostName),
                KeyValue("host.arch", "amd64"),
                KeyValue("os.type", "linux"),
                KeyValue("cloud.provider", "aws"),
                KeyValue("cloud.region", instance.Region),
                KeyValue("deployment.environment.name", "production"),
                KeyValue("k8s.namespace.name", "shop"),
                KeyValue("k8s.pod.name", instance.PodName),
                KeyValue("process.pid", instance.ProcessId),
                KeyValue("process.runtime.name", ".NET"),
                KeyValue("process.runtime.version", "10.0.5"),
                KeyValue("telemetry.sdk.name", "opentelemetry"),
                KeyValue("telemetry.sdk.language", "dotnet"),
                KeyValue("telemetry.sdk.version", "1.20.1"),
            },
        };
        _resources.Add(instance, resource);
        return resource;
    }

    private InstrumentationScope ScopeOf(string name, ShopService service)
    {
        if (!_scopes.TryGetValue(name, out var scope))
        {
            scope = new InstrumentationScope { Name = name, Version = name.StartsWith("Shop.", StringComparison.Ordinal) ? service.Version : "1.12.0" };
            _scopes.Add(name, scope);
        }
        return scope;
    }

    private string Concrete(string template) => template
        .Replace("{id}", _random.Next(1, 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Replace("{userId}", $"user-{_random.Next(2_000_000)}")
        .Replace("{itemId}", _random.Next(1, 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture))
        .Replace("{sku}", $"SKU-{_random.Next(100_000):000000}")
        .Replace("{slug}", "outdoor-gear");

    private static (string Method, string Template) SplitRoute(string route)
    {
        var space = route.IndexOf(' ');
        return (route[..space], route[(space + 1)..]);
    }

    private static string Pascal(string name) => string.Concat(name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));

    private byte[] RandomId(int length)
    {
        var id = new byte[length];
        do
        {
            _random.NextBytes(id);
        }
        while (!id.AsSpan().ContainsAnyExcept((byte)0));
        return id;
    }

    private string RandomGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private double Normal(double mean, double deviation)
    {
        // Box-Muller: enough for log-normal durations.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return mean + deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static void Add(Span span, string key, string value) => span.Attributes.Add(KeyValue(key, value));

    private static void Add(Span span, string key, long value) => span.Attributes.Add(KeyValue(key, value));

    private static KeyValue KeyValue(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue KeyValue(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    private static KeyValue KeyValue(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };

    private static KeyValue KeyValue(string key, bool value) => new() { Key = key, Value = new AnyValue { BoolValue = value } };
}
