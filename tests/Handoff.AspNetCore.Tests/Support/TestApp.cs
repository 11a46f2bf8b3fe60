using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Handoff.AspNetCore.Shutdown;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>A real Kestrel app on 127.0.0.1, port 0, with the library, a fast and a slow endpoint.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>Gets the server-side arrival times (<see cref="Stopwatch"/> timestamps) of requests to "/".</summary>
    public ConcurrentQueue<long> RootArrivals { get; } = new();

    /// <summary>Gets when the server finished answering the preStop endpoint (a <see cref="Stopwatch"/> timestamp; 0 until then).</summary>
    public long PreStopAnswered => Interlocked.Read(ref _preStopAnswered);

    /// <summary>Gets when the last request to "/slow" began on the server (a <see cref="Stopwatch"/> timestamp; 0 until one does).</summary>
    public long SlowStarted => Interlocked.Read(ref _slowStarted);

    /// <summary>Gets when the last request to "/slow" finished its wait on the server (0 until one does).</summary>
    public long SlowFinished => Interlocked.Read(ref _slowFinished);

    private long _preStopAnswered;
    private long _slowStarted;
    private long _slowFinished;

    public static async Task<TestApp> StartAsync(
        Action<HandoffOptions>? configure = null,
        Action<IHealthChecksBuilder>? healthChecks = null,
        HttpProtocols protocols = HttpProtocols.Http1,
        IEnumerable<KeyValuePair<string, string?>>? configuration = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? endpoints = null)
    {
        // An empty content root: the test output also holds the sample's appsettings.json (copied along with the
        // sample, which the tests run as a child process), and its Handoff section must not leak in here.
        var contentRoot = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "test-app-root")).FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Services.AddHandoff(o =>
        {
            // Signals belong to the test runner, not to an app hosted inside it.
            o.HandleSignals = false;
            configure?.Invoke(o);
        });
        healthChecks?.Invoke(builder.Services.AddHealthChecks());
        services?.Invoke(builder.Services);

        var app = builder.Build();
        TestApp? created = null;

        // Server-side times, so that timing tests do not depend on when a starved client thread got to run.
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Request.Path == "/handoff/prestop" && created is not null)
            {
                Interlocked.Exchange(ref created._preStopAnswered, Stopwatch.GetTimestamp());
            }
        });
        app.UseWebSockets();
        app.MapHandoffProbes();
        app.MapHandoffPreStop();

        // An echo WebSocket written the usual way: receive until the client (or the drain) closes, then close back.
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            while (result.MessageType != WebSocketMessageType.Close)
            {
                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
                result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            }

            await socket.CloseAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, CancellationToken.None);
        });

        // A server-sent event stream that ends at its turn in the drain, with a retry hint for the client.
        app.MapGet("/events", async context =>
        {
            var closing = context.GetHandoffCloseToken();
            context.Response.ContentType = "text/event-stream";
            var n = 0;
            while (!closing.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync($"data: {n++}\n\n");
                await context.Response.Body.FlushAsync();
                await Task.WhenAny(Task.Delay(100, context.RequestAborted), Task.Delay(Timeout.Infinite, closing)).ConfigureAwait(false);
            }

            if (closing.IsCancellationRequested)
            {
                await context.Response.WriteAsync("retry: 1000\nevent: closing\ndata: reconnect\n\n");
            }
        });
        app.MapGet("/", () =>
        {
            created?.RootArrivals.Enqueue(Stopwatch.GetTimestamp());
            return "ok";
        });
        app.MapGet("/slow", async (int ms, CancellationToken ct) =>
        {
            if (created is not null)
            {
                Interlocked.Exchange(ref created._slowStarted, Stopwatch.GetTimestamp());
            }

            await Task.Delay(ms, ct);
            if (created is not null)
            {
                Interlocked.Exchange(ref created._slowFinished, Stopwatch.GetTimestamp());
            }

            return "slow ok";
        });
        endpoints?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        created = new TestApp(app, new Uri(address));
        return created;
    }

    /// <summary>Starts the host's stop sequence (what SIGTERM leads to) without waiting for it.</summary>
    public Task BeginStopAsync() => Task.Run(() => App.StopAsync());

    public async ValueTask DisposeAsync()
    {
        // A test that left a long delay running does not make every later test wait for it.
        App.Services.GetRequiredService<ShutdownCoordinator>().EndDelay();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await App.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping was bounded; disposing below ends whatever is left.
        }

        await App.DisposeAsync();
    }
}
