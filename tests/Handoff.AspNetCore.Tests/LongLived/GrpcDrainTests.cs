using System.Diagnostics;
using Grpc.Core;
using Handoff.AspNetCore.Grpc;
using Handoff.AspNetCore.LongLived;
using Handoff.AspNetCore.Tests.Support;
using Handoff.Lab.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Handoff.AspNetCore.Tests.LongLived;

/// <summary>gRPC streams at shutdown, on a real Kestrel (HTTP/2 cleartext) on loopback with a real Grpc.Net.Client.</summary>
public sealed class GrpcDrainTests
{
    private const int Streams = 8;

    [Fact]
    public async Task Drain_OpenStreamingCalls_EachEndsWithUnavailableAtItsOwnMomentInTheWindow()
    {
        await using var app = await StartAsync(drainTimeoutSeconds: 8, closeWindowSeconds: 2);
        using var channel = new GrpcTestChannel(app.BaseAddress);
        var streams = await channel.OpenAsync(Streams);

        var stopStarted = Stopwatch.GetTimestamp();
        var stopping = app.BeginStopAsync();
        var ends = await Task.WhenAll(streams.Select(s => s.ReadUntilEndAsync(stopStarted)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        var seen = string.Join(", ", ends.Select(e => e.ToString()));
        ends.ShouldAllBe(e => e.Status == StatusCode.Unavailable && !e.Transport && e.Detail == DrainingCall.Unavailable.Detail, seen);
        ends.Where(e => e.Seconds > 0.5).ShouldAllBe(e => e.Received > 1, $"a call closed late got no message during the drain: {seen}");
        var times = ends.Select(e => e.Seconds).Order().ToList();
        (times[^1] - times[0]).ShouldBeGreaterThan(0.8, $"closes not spread: {seen}");
        times[^1].ShouldBeLessThan(6, "a close came after the window (2 s) by far");
        var longLived = app.App.Services.GetRequiredService<LongLivedConnections>();
        longLived.ClosedGracefully.ShouldBe(Streams);
        longLived.Aborted.ShouldBe(0);
        streams.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Drain_NewCallOnAConnectionThatGotGoAway_GoesToANewConnectionAndIsRefusedWithUnavailable()
    {
        await using var app = await StartAsync(drainTimeoutSeconds: 10, closeWindowSeconds: 4);
        using var channel = new GrpcTestChannel(app.BaseAddress);

        // Three calls share one HTTP/2 connection; with a 4 s window at least two are still open 0.5 s into the drain.
        var streams = await channel.OpenAsync(3);
        channel.Connects.ShouldBe(1);
        var stopStarted = Stopwatch.GetTimestamp();
        var stopping = app.BeginStopAsync();
        var ends = streams.Select(s => s.ReadUntilEndAsync(stopStarted)).ToList();
        await Task.Delay(500);

        var refused = await Should.ThrowAsync<RpcException>(() => GrpcStream.OpenTicksAsync(channel.Client));
        var openWhenRefused = ends.Count(e => !e.IsCompleted);

        // GOAWAY: the client did not open the new stream on the connection that still carries open calls, it opened a
        // new connection, which the closed listener refused. UNAVAILABLE is the status clients retry elsewhere.
        refused.StatusCode.ShouldBe(StatusCode.Unavailable, refused.ToString());
        openWhenRefused.ShouldBeGreaterThan(0, "every call had already ended: the test shows nothing about GOAWAY");
        channel.Connects.ShouldBe(2);
        (await Task.WhenAll(ends)).ShouldAllBe(e => e.Status == StatusCode.Unavailable && !e.Transport);
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));
        streams.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Drain_CallArrivingAfterTheDrainStarted_IsAnsweredUnavailableWithoutRunningTheHandler()
    {
        // The drain is started directly (not by stopping the host), so the listener still accepts: this is the call
        // that reaches a pod between the drain's start and the client's reading of GOAWAY.
        await using var app = await StartAsync(drainTimeoutSeconds: 8, closeWindowSeconds: 2);
        using var channel = new GrpcTestChannel(app.BaseAddress);
        var handlers = app.App.Services.GetRequiredService<GrpcHandlerCount>();
        app.App.Services.GetRequiredService<LongLivedConnections>().BeginClosing();

        var refused = await Should.ThrowAsync<RpcException>(() => GrpcStream.OpenTicksAsync(channel.Client));

        refused.StatusCode.ShouldBe(StatusCode.Unavailable);
        refused.Status.Detail.ShouldBe(DrainingCall.Unavailable.Detail);
        refused.Status.DebugException.ShouldBeNull("the status came in trailers, not from a broken stream");
        handlers.Value.ShouldBe(0);
    }

    [Fact]
    public async Task WithoutTheLibrary_Kestrel_ResetsOpenStreamsAtTheShutdownTimeout()
    {
        // The same service in a plain app: what gRPC users see today.
        await using var app = await PlainApp.StartAsync(
            TimeSpan.FromSeconds(1),
            s =>
            {
                s.AddSingleton<GrpcHandlerCount>();
                s.AddGrpc();
            },
            a => a.MapGrpcService<CarelessStreamEcho>(),
            HttpProtocols.Http2);
        using var channel = new GrpcTestChannel(app.BaseAddress);
        var streams = await channel.OpenAsync(Streams);

        var stopStarted = Stopwatch.GetTimestamp();
        var stopping = app.BeginStopAsync();
        var ends = await Task.WhenAll(streams.Select(s => s.ReadUntilEndAsync(stopStarted)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(15));

        // No trailers: the streams break when Kestrel aborts the connection, all in the same moment.
        var seen = string.Join(", ", ends.Select(e => e.ToString()));
        ends.ShouldAllBe(e => e.Transport, seen);
        var times = ends.Select(e => e.Seconds).Order().ToList();
        times[0].ShouldBeGreaterThan(0.9, $"aborted before the shutdown timeout: {seen}");
        (times[^1] - times[0]).ShouldBeLessThan(0.5, $"aborts should come together: {seen}");
        streams.ForEach(s => s.Dispose());
    }

    private static Task<TestApp> StartAsync(double drainTimeoutSeconds, double closeWindowSeconds) =>
        TestApp.StartAsync(
            o =>
            {
                o.DrainTimeoutSeconds = drainTimeoutSeconds;
                o.LongLivedConnections.CloseWindowSeconds = closeWindowSeconds;
            },
            protocols: HttpProtocols.Http2,
            services: s =>
            {
                s.AddSingleton<GrpcHandlerCount>();
                s.AddGrpc().AddHandoffDrain();
            },
            endpoints: a => a.MapGrpcService<CarelessStreamEcho>());
}
