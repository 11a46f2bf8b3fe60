using Handoff.Rollout.Attribution;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Load;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>
/// 'lab --traffic websocket|sse|grpc|grpc-ticks' end to end: the sample API as real pods (real Kestrel), real HAProxy
/// (HTTP mode, and TCP mode for bidirectional gRPC), real ClientWebSocket and HTTP/1.1 and HTTP/2 clients, one short
/// rollout each (tests/fixtures/lab/long-lived-short.yaml).
/// </summary>
// Real lab runs: in the lab collection, so they never run beside another lab's timing-sensitive measurements.
[Collection(LabSmokeCollection.Name)]
public class LabLongLivedTrafficTests
{
    private const int Connections = 8;

    [Fact]
    public async Task Lab_WebSocketsWithTheLibrary_CloseWith1001AndLoseNoMessage()
    {
        var result = await RunAsync(TrafficKind.WebSocket, useHandoff: true);
        var report = LabReport.Build(result);
        var summary = report.LongLived.ShouldNotBeNull();

        result.RolloutFinished.ShouldBeTrue();
        summary.AbnormalCloses.ShouldBe(0);
        summary.MessagesLost.ShouldBe(0);
        // A message sent just as the close frame came is resent on the next connection and echoed there.
        summary.MessagesReceived.ShouldBe(summary.MessagesSent - summary.MessagesResent, "every message was echoed, on its first connection or after a clean close");
        summary.MessagesSent.ShouldBeGreaterThan(Connections * 20);

        // Every connection on the old pod got the library's close frame, and its client reconnected to the new pod.
        var closed = report.Records.Where(r => r.Session?.CloseCode == 1001).ToList();
        closed.Count.ShouldBe(Connections);
        closed.ShouldAllBe(r => r.Backend == "short-v1-1");
        summary.Reconnects.ShouldBeGreaterThanOrEqualTo(Connections);
        report.Records.Where(r => r.Session is { IsReconnect: true }).ShouldAllBe(r => r.Backend == "short-v2-2");

        // Spread over the 1 s close window, not in one instant.
        var closes = closed.Select(r => r.End).Order().ToList();
        (closes[^1] - closes[0]).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(300));
        report.Passed.ShouldBeTrue();
        TextReport.Render(report).ShouldContain("close 1001 (EndpointUnavailable) x8");

        // Connections stay on their pod after its endpoint is removed: the traffic does not show the propagation.
        TextReport.Render(report).ShouldContain("propagation  not measured from long-lived traffic");
        TextReport.Render(report).ShouldNotContain("is a lower bound, see the notes");
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    [Fact]
    public async Task Lab_WebSocketsOnPlainAspNetCore_EndAbnormallyAtTheShutdownTimeout()
    {
        var result = await RunAsync(TrafficKind.WebSocket, useHandoff: false);
        var report = LabReport.Build(result);
        var summary = report.LongLived.ShouldNotBeNull();
        var sigTerm = result.Events.Single(e => e.Kind == Rollout.Timeline.TimelineEventKind.SigTerm && e.Pod == "short-v1-1").At;

        result.RolloutFinished.ShouldBeTrue();
        summary.AbnormalCloses.ShouldBe(Connections, "Kestrel aborts every open socket of the old pod at its 2 s shutdown timeout");
        var aborted = report.Records.Where(r => r.Outcome == RequestOutcome.AbnormalClose).ToList();
        aborted.ShouldAllBe(r => r.Session!.Ending.StartsWith("no close frame (1006)", StringComparison.Ordinal));
        aborted.ShouldAllBe(r => r.End >= sigTerm + TimeSpan.FromSeconds(1.5));
        (aborted.Max(r => r.End) - aborted.Min(r => r.End)).ShouldBeLessThan(TimeSpan.FromMilliseconds(500), "all at once: a reconnect storm");

        // The failures are tied to the old pod by the same timeline as HTTP failures, and named: the app's own shutdown
        // cut them, connections and the messages lost with them alike, long before the grace period's SIGKILL.
        report.Attribution.Failures.ShouldAllBe(f => f.Pod == "short-v1-1" && f.Cause == FailureCause.AbortedAtShutdown);
        report.Attribution.Failures.Where(f => f.Request.Unit == TrafficUnit.Connection)
            .ShouldAllBe(f => f.Explanation.Contains("at its SIGTERM", StringComparison.Ordinal));
        report.Notes.ShouldContain(n => n.StartsWith("aborted by the app at shutdown: ", StringComparison.Ordinal));
        report.Passed.ShouldBeFalse();
        TextReport.Verdict(report).ShouldStartWith("FAILED: 8 of ");
        TextReport.Verdict(report).ShouldEndWith("main cause: aborted by the app at shutdown.");
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    [Fact]
    public async Task Lab_GrpcServerStreamsWithTheLibrary_EndWithUnavailableThroughHaProxyH2c()
    {
        var result = await RunAsync(TrafficKind.GrpcTicks, useHandoff: true);
        var report = LabReport.Build(result);
        var summary = report.LongLived.ShouldNotBeNull();

        result.RolloutFinished.ShouldBeTrue();
        summary.AbnormalCloses.ShouldBe(0);
        summary.FailedConnects.ShouldBe(0);
        summary.MessagesReceived.ShouldBeGreaterThan(Connections * 10);
        report.Records.Count(r => r.Session?.GrpcStatus == 14 && r.Backend == "short-v1-1").ShouldBe(Connections);
        report.Records.ShouldAllBe(r => r.Unit == TrafficUnit.Stream);
        report.Passed.ShouldBeTrue();
        JsonReport.Render(report).ShouldContain("\"abnormalCloses\": 0");
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    [Fact]
    public async Task Lab_EventStreamsWithTheLibrary_CompleteWithAClosingEventAndReconnectToTheNewPod()
    {
        var result = await RunAsync(TrafficKind.Sse, useHandoff: true);
        var report = LabReport.Build(result);
        var summary = report.LongLived.ShouldNotBeNull();

        result.RolloutFinished.ShouldBeTrue();
        summary.AbnormalCloses.ShouldBe(0);
        summary.FailedConnects.ShouldBe(0);
        summary.MessagesReceived.ShouldBeGreaterThan(Connections * 10, "the sample sends an event every 200 ms on each stream");

        // The library completed every stream of the old pod with its closing event, spread over the 1 s window; each
        // client reconnected to the new pod.
        var completed = report.Records.Where(r => r.Backend == "short-v1-1" && r.Session!.ClosedBy == "server").ToList();
        completed.Count.ShouldBe(Connections);
        completed.ShouldAllBe(r => r.Session!.Ending == "stream completed with a closing event and a retry hint");
        var ends = completed.Select(r => r.End).Order().ToList();
        (ends[^1] - ends[0]).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(300), "spread over the close window, not in one instant");
        report.Records.Where(r => r.Session is { IsReconnect: true }).ShouldAllBe(r => r.Backend == "short-v2-2");
        summary.Reconnects.ShouldBeGreaterThanOrEqualTo(Connections);
        report.Passed.ShouldBeTrue();
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    [Fact]
    public async Task Lab_BidirectionalGrpcWithTheLibraryBehindATcpLoadBalancer_EndsWithUnavailableAndLosesNoMessage()
    {
        // In TCP mode the client speaks HTTP/2 with the pod itself, as behind kube-proxy: the pod's RST_STREAM(NO_ERROR)
        // after the UNAVAILABLE trailers reaches it as sent (HTTP mode HAProxy 2.6 turns it into CANCEL).
        var result = await RunAsync(TrafficKind.Grpc, useHandoff: true, LoadBalancerMode.Tcp);
        var report = LabReport.Build(result);
        var summary = report.LongLived.ShouldNotBeNull();

        result.RolloutFinished.ShouldBeTrue();
        summary.AbnormalCloses.ShouldBe(0);
        summary.MessagesLost.ShouldBe(0);
        summary.FailedConnects.ShouldBe(0);
        summary.MessagesSent.ShouldBeGreaterThan(Connections * 20);
        summary.MessagesReceived.ShouldBe(summary.MessagesSent - summary.MessagesResent, "every message was echoed, on its first stream or after a clean end");

        // Each client had its own connection to the old pod; each stream there ended UNAVAILABLE, and its next stream
        // went over a new connection to the new pod.
        var unavailable = report.Records.Where(r => r.Session?.GrpcStatus == 14).ToList();
        unavailable.Count.ShouldBe(Connections);
        unavailable.ShouldAllBe(r => r.Backend == "short-v1-1");
        report.Records.Where(r => r.Session is { IsReconnect: true }).ShouldAllBe(r => r.Backend == "short-v2-2");
        var ends = unavailable.Select(r => r.End).Order().ToList();
        (ends[^1] - ends[0]).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(300), "spread over the close window, not in one instant");
        report.Passed.ShouldBeTrue();
        var text = TextReport.Render(report);
        text.ShouldContain("in TCP mode (L4, per connection");
        text.ShouldContain("grpc-status 14 (UNAVAILABLE) x8");

        // On the wire, as each client received it: the pod's GOAWAY before the trailers, and its RST_STREAM(NO_ERROR)
        // after them (that one can come in a read after the stream's record was taken, so it is not required of every
        // stream); never a CANCEL.
        unavailable.ShouldAllBe(r => r.Session!.Http2Frames != null && r.Session.Http2Frames.StartsWith("GOAWAY (NO_ERROR)", StringComparison.Ordinal));
        summary.Http2Frames.ShouldContain(f => f.Key == "RST_STREAM (NO_ERROR)" && f.Value > 0);
        summary.Http2Frames.ShouldAllBe(f => f.Key == "GOAWAY (NO_ERROR)" || f.Key == "RST_STREAM (NO_ERROR)");
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    private static async Task<LabResult> RunAsync(TrafficKind traffic, bool useHandoff, LoadBalancerMode loadBalancer = LoadBalancerMode.Http)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        PropagationDelay.TryParse("500ms", out var delay).ShouldBeTrue();
        var grpc = traffic.IsGrpc() ? " --Sample:GrpcPort={port:grpc}" : string.Empty;
        var options = new LabOptions
        {
            App = AppCommand.Parse($"dotnet \"{TestPaths.SampleApi}\" --urls http://127.0.0.1:{{port}}{grpc} --Sample:UseHandoff={(useHandoff ? "true" : "false")}"),
            Propagation = delay!,
            Traffic = traffic,
            LoadBalancer = loadBalancer,
            Connections = Connections,
            MessageInterval = TimeSpan.FromMilliseconds(50),
            Duration = TimeSpan.FromSeconds(17),
            Seed = 42,
        };
        return await new LabRunner(TimeProvider.System).RunAsync(LabManifestReader.Read(TestPaths.Fixture("long-lived-short.yaml")), options, progress: null, timeout.Token);
    }
}
