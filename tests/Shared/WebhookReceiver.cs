using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Observability.Tests.Shared;

/// <summary>What a <see cref="WebhookReceiver"/> answers one request with.</summary>
/// <param name="Delay">How long to wait before answering, to make the sender time out.</param>
public sealed record WebhookAnswer(int Status, string? RetryAfter = null, string Body = "", TimeSpan Delay = default)
{
    public static readonly WebhookAnswer Ok = new(200);
}

/// <summary>One request a <see cref="WebhookReceiver"/> got, and what it answered.</summary>
public sealed record ReceivedWebhook(int Ordinal, DateTimeOffset At, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredStatus)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// A real HTTP webhook receiver on 127.0.0.1 (Kestrel): records every request with its headers and exact body bytes and
/// answers as <see cref="Answer"/> says. It can be stopped and started again on the same port, to play a receiver that
/// is down for a while.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private WebApplication? _app;
    private Socket? _reservation;
    private int _ordinal;

    private WebhookReceiver(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>The URL to configure as the webhook: http://127.0.0.1:port/hook.</summary>
    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>Chooses the answer to the n-th request (1 for the first); 200 by default.</summary>
    public Func<int, WebhookAnswer> Answer { get; set; } = _ => WebhookAnswer.Ok;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>A receiver on a free port; with <paramref name="listening"/> false it holds the port but does not listen yet.</summary>
    public static async Task<WebhookReceiver> StartAsync(bool listening = true)
    {
        var receiver = new WebhookReceiver(FreePort.Next());
        if (listening)
        {
            await receiver.ListenAsync();
        }
        else
        {
            receiver.Reserve();
        }
        return receiver;
    }

    /// <summary>Starts listening (again) on the same port.</summary>
    public async Task ListenAsync()
    {
        if (_app is not null)
        {
            return;
        }
        _reservation?.Dispose();
        _reservation = null;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Stops listening: senders get connection refused until <see cref="ListenAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
            Reserve();
        }
    }

    /// <summary>
    /// Holds the port bound but not listening while the receiver is down: senders get connection refused, and no other
    /// test's server can take the port meanwhile.
    /// </summary>
    private void Reserve()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, Port));
        _reservation = socket;
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the requests received, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var received = Received;
            if (condition(received))
            {
                return received;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Webhook receiver: {what} did not happen within {timeout.TotalSeconds} s; received {received.Count} requests.");
            }
            await Task.Delay(50);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var ordinal = Interlocked.Increment(ref _ordinal);
        var answer = Answer(ordinal);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        _received.Enqueue(new ReceivedWebhook(ordinal, DateTimeOffset.UtcNow, context.Request.Path, headers, buffer.ToArray(), answer.Status));
        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(answer.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfter;
        }
        await context.Response.WriteAsync(answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _reservation?.Dispose();
        _reservation = null;
    }
}
