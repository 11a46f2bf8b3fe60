using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Handoff.AspNetCore.LongLived;
using Handoff.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Tests.LongLived;

/// <summary>Long-lived connections at shutdown, on a real Kestrel on loopback with real WebSocket and HTTP clients.</summary>
public sealed class WebSocketDrainTests
{
    private const int Sockets = 8;

    [Fact]
    public async Task Drain_OpenWebSockets_EachGetsCloseFrame1001AtItsOwnMomentInTheWindow()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.DrainTimeoutSeconds = 8;
            o.LongLivedConnections.CloseWindowSeconds = 2;
        });
        var clients = await WebSocketClients.ConnectAsync(app.BaseAddress, Sockets);

        var stopStarted = Stopwatch.GetTimestamp();
        var stopping = app.BeginStopAsync();
        var ends = await Task.WhenAll(clients.Select(c => WebSocketClients.ReadUntilEndAsync(c, stopStarted)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        ends.ShouldAllBe(e => e.Status == WebSocketCloseStatus.EndpointUnavailable, string.Join(", ", ends.Select(e => e.ToString())));
        var times = ends.Select(e => e.Seconds).Order().ToList();
        (times[^1] - times[0]).ShouldBeGreaterThan(0.8, $"closes not spread: {string.Join(", ", times)}");
        times[^1].ShouldBeLessThan(6, "a close came after the window (2 s) by far");
        var longLived = app.App.Services.GetRequiredService<LongLivedConnections>();
        longLived.ClosedGracefully.ShouldBe(Sockets);
        longLived.Aborted.ShouldBe(0);
        WebSocketClients.DisposeAll(clients);
    }

    [Fact]
    public async Task Drain_WebSocketWhoseClientNeverAnswersTheClose_IsAbortedAtTheDrainDeadline()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.DrainTimeoutSeconds = 1.5;
            o.LongLivedConnections.CloseWindowSeconds = 0.5;
        });
        var clients = await WebSocketClients.ConnectAsync(app.BaseAddress, 1);

        // The client reads nothing, so it never answers the server's close frame and the app's receive waits.
        await app.BeginStopAsync().WaitAsync(TimeSpan.FromSeconds(15));

        var longLived = app.App.Services.GetRequiredService<LongLivedConnections>();
        longLived.Aborted.ShouldBe(1);
        longLived.ClosedGracefully.ShouldBe(0);
        WebSocketClients.DisposeAll(clients);
    }

    [Fact]
    public async Task WithoutTheLibrary_Kestrel_AbortsOpenWebSocketsAtTheShutdownTimeout()
    {
        // The same echo endpoint in a plain app: what users see today (clients get no close frame, 1006 in browsers).
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(1));
        await using var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            while (result.MessageType != WebSocketMessageType.Close)
            {
                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
                result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var clients = await WebSocketClients.ConnectAsync(address, 3);

        var stopStarted = Stopwatch.GetTimestamp();
        var stopping = Task.Run(() => app.StopAsync());
        var ends = await Task.WhenAll(clients.Select(c => WebSocketClients.ReadUntilEndAsync(c, stopStarted)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        ends.ShouldAllBe(e => e.Status == null && e.Abnormal, string.Join(", ", ends.Select(e => e.ToString())));
        WebSocketClients.DisposeAll(clients);
    }

    [Fact]
    public async Task Drain_ServerSentEventStream_EndsWithARetryHintAtItsTurn()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.DrainTimeoutSeconds = 8;
            o.LongLivedConnections.CloseWindowSeconds = 1;
        });
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var response = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync()).ShouldBe("data: 0");

        var stopping = app.BeginStopAsync();
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            lines.Add(line);
        }

        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        lines.ShouldContain("retry: 1000");
        lines.ShouldContain("event: closing");
        var longLived = app.App.Services.GetRequiredService<LongLivedConnections>();
        longLived.ClosedGracefully.ShouldBe(1);
        longLived.Aborted.ShouldBe(0);
    }
}
