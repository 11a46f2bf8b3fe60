using Handoff.Rollout.Lab;
using Handoff.Rollout.Load;
using Handoff.Rollout.Load.LongLived;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>
/// <see cref="LabReport"/> on a recorded result, no processes: the notes that depend on the load balancer's mode.
/// The records are what a bidi gRPC run on tests/fixtures/lab/long-lived-short.yaml recorded (one drained stream
/// whose client got RST_STREAM(CANCEL), one that got its UNAVAILABLE), with no pod events.
/// </summary>
public class LabReportTests
{
    [Fact]
    public void Build_GrpcStreamsResetWithCancelBehindHttpMode_NotesThatHaProxyMayHaveDroppedTheTrailers()
    {
        var report = LabReport.Build(Result(LoadBalancerMode.Http));

        var note = report.Notes.Where(n => n.Contains("RST_STREAM (CANCEL) from HAProxy", StringComparison.Ordinal)).ShouldHaveSingleItem();
        note.ShouldStartWith("1 gRPC stream(s) ended with RST_STREAM (CANCEL) from HAProxy.");
        note.ShouldContain("haproxy/haproxy#1219");
        note.ShouldEndWith("Run with --lb haproxy-tcp to see the pod's own frames.");
        TextReport.Render(report).ShouldContain("http/2      GOAWAY (NO_ERROR) x1, RST_STREAM (CANCEL) x1, RST_STREAM (NO_ERROR) x1");
        report.ConnectionsPinned.ShouldBeFalse();
    }

    [Fact]
    public void Build_BehindTcpMode_HasNoHaProxyNoteAndPinsConnections()
    {
        var report = LabReport.Build(Result(LoadBalancerMode.Tcp));

        report.Notes.ShouldNotContain(n => n.Contains("from HAProxy", StringComparison.Ordinal));
        report.ConnectionsPinned.ShouldBeTrue();
        report.Metadata.ShouldContain(m => m.Key == "load balancer" && m.Value.Contains("TCP mode", StringComparison.Ordinal));
        JsonReport.Render(report).ShouldContain("\"http2Frames\": {");
    }

    private static LabResult Result(LoadBalancerMode mode)
    {
        var spec = LabManifestReader.Read(TestPaths.Fixture("long-lived-short.yaml"));
        static TimeSpan at(double seconds) => TimeSpan.FromSeconds(seconds);
        SessionDetail Detail(string ending, int? status, string closedBy, string? frames, bool reconnect) =>
            new(at(1), TrafficKind.Grpc, ending, null, status, closedBy, 100, reconnect ? 100 : 99, 0, reconnect, reconnect ? TimeSpan.FromMilliseconds(2) : null, frames);
        RequestRecord[] records =
        [
            new(at(1), at(6.2), RequestOutcome.AbnormalClose, null, "short-v1-1", TrafficUnit.Stream,
                Detail("stream reset: The HTTP/2 server reset the stream. HTTP/2 error code 'CANCEL' (0x8).", null, "network", "RST_STREAM (CANCEL)", reconnect: false)),
            new(at(1), at(6.4), RequestOutcome.Ok, null, "short-v1-1", TrafficUnit.Stream,
                Detail("grpc-status 14 (UNAVAILABLE)", 14, "server", "GOAWAY (NO_ERROR), RST_STREAM (NO_ERROR)", reconnect: false)),
            new(at(6.4), at(17), RequestOutcome.Ok, null, "short-v2-2", TrafficUnit.Stream,
                Detail("grpc-status 0 (OK)", 0, "client", null, reconnect: true)),
        ];
        return new LabResult
        {
            Spec = spec,
            Options = new LabOptions { App = AppCommand.Parse("true"), Traffic = TrafficKind.Grpc, LoadBalancer = mode, Duration = at(17) },
            Seed = 42,
            Load = new LoadResult(records, LoadMode.ClosedLoop, null, at(17)),
            Events = [],
            RolloutFinished = true,
            StartedAt = DateTimeOffset.UnixEpoch,
            LoadBalancer = "HAProxy 2.6.12 in " + mode.Describe(),
            ProcessIds = [],
            Ports = [],
        };
    }
}
