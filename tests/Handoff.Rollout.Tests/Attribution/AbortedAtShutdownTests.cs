using Handoff.Rollout.Attribution;
using Handoff.Rollout.Load;
using Handoff.Rollout.Load.LongLived;
using Handoff.Rollout.Reports;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Attribution;

/// <summary>
/// "aborted by the app at shutdown" on timelines shaped like the lab's plain ASP.NET Core runs: what was open on a pod
/// at its SIGTERM and cut by the app's own shutdown, against the kill and the termination race on the same pods.
/// </summary>
public class AbortedAtShutdownTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    // 'plain' (plain ASP.NET Core, preStop sleep 2 s, grace 30 s) is deleted at 10 s, HAProxy stops sending to it at
    // 11 s, SIGTERM comes at 12 s; Kestrel aborts what is left at its 5 s shutdown timeout and the process exits at
    // 17.05 s. 'early' gets SIGTERM at 10 s with no preStop and exits 0.1 s later, its endpoint removed at 12 s.
    // 'stuck' gets SIGTERM at 10 s, Kestrel gives up at 15 s, but a hosted service keeps the process alive until the
    // kubelet's SIGKILL at 40 s. 'next' is the new pod, an endpoint from 1 s.
    private static readonly TimelineEvent[] Events =
    [
        new(S(0), TimelineEventKind.PodCreated, "plain"),
        new(S(0), TimelineEventKind.PodCreated, "early"),
        new(S(0), TimelineEventKind.PodCreated, "stuck"),
        new(S(0), TimelineEventKind.PodCreated, "next"),
        new(S(1), TimelineEventKind.EndpointAdded, "plain", "haproxy"),
        new(S(1), TimelineEventKind.EndpointAdded, "early", "haproxy"),
        new(S(1), TimelineEventKind.EndpointAdded, "stuck", "haproxy"),
        new(S(1), TimelineEventKind.EndpointAdded, "next", "haproxy"),
        new(S(10), TimelineEventKind.PodTerminating, "plain"),
        new(S(10), TimelineEventKind.PreStopStarted, "plain"),
        new(S(11), TimelineEventKind.EndpointRemoved, "plain", "haproxy"),
        new(S(12), TimelineEventKind.PreStopFinished, "plain"),
        new(S(12), TimelineEventKind.SigTerm, "plain"),
        new(S(17.05), TimelineEventKind.ContainerExited, "plain", ExitCode: 0),
        new(S(10), TimelineEventKind.PodTerminating, "early"),
        new(S(10), TimelineEventKind.SigTerm, "early"),
        new(S(10.1), TimelineEventKind.ContainerExited, "early", ExitCode: 0),
        new(S(12), TimelineEventKind.EndpointRemoved, "early", "haproxy"),
        new(S(10), TimelineEventKind.PodTerminating, "stuck"),
        new(S(10), TimelineEventKind.SigTerm, "stuck"),
        new(S(40), TimelineEventKind.SigKill, "stuck"),
        new(S(40), TimelineEventKind.ContainerExited, "stuck", ExitCode: 137),
        new(S(50), TimelineEventKind.EndpointRemoved, "stuck", "haproxy"),
    ];

    [Fact]
    public void Attribute_PlainAppWebSocketsCutWhenItsProcessStops_AreAbortedAtShutdown()
    {
        // Opened at 2 s, no close frame when Kestrel aborts them at its shutdown timeout (17.04 s, just before the exit).
        RequestRecord[] sockets = [.. Enumerable.Range(0, 4).Select(i => Connection(2 + (0.1 * i), 17.04, "plain"))];

        var result = FailureAttributor.Attribute(sockets, Events);

        result.Failures.Count.ShouldBe(4);
        result.Failures.ShouldAllBe(f => f.Cause == FailureCause.AbortedAtShutdown && f.Pod == "plain");
        result.Failures[0].Explanation.ShouldBe("Open on 'plain' at its SIGTERM and cut 5.040 s after it (no close frame (1006)) by the app's own shutdown (its process exited at 17.050 s, no SIGKILL).");
        result.Notes.ShouldHaveSingleItem().ShouldStartWith("aborted by the app at shutdown: 4 request(s), connection(s) or message(s) open on 'plain' at SIGTERM");
        result.Notes[0].ShouldContain("Handoff.AspNetCore's drain");
        result.Notes[0].ShouldContain("shutdown timeout");
    }

    [Fact]
    public void Attribute_HttpRequestInFlightAtSigTermWhenTheAppExitsAtOnce_IsAbortedAtShutdown()
    {
        // 'early' exits 0.1 s after SIGTERM with the request running: HAProxy answers 502, or the client sees a reset.
        var badGateway = new RequestRecord(S(9.6), S(10.11), RequestOutcome.ServerError, 502, "early");
        var reset = new RequestRecord(S(9.7), S(10.12), RequestOutcome.Reset, null, "early");

        var failures = FailureAttributor.Attribute([badGateway, reset], Events).Failures;

        failures.ShouldAllBe(f => f.Cause == FailureCause.AbortedAtShutdown && f.Pod == "early");
        failures[0].Explanation.ShouldContain("(HTTP 502)");
    }

    [Fact]
    public void Attribute_CutBeforeTheKillOrAtIt_IsAbortedBeforeAndKilledAtTheKill()
    {
        // 'stuck': Kestrel aborted one request at its shutdown timeout (15 s); another ran until the SIGKILL at 40 s.
        var atTheShutdownTimeout = new RequestRecord(S(9), S(15.01), RequestOutcome.Reset, null, "stuck");
        var atTheKill = new RequestRecord(S(9), S(40.01), RequestOutcome.Reset, null, "stuck");

        var failures = FailureAttributor.Attribute([atTheShutdownTimeout, atTheKill], Events).Failures;

        failures.Select(f => f.Cause).ShouldBe([FailureCause.AbortedAtShutdown, FailureCause.KilledAtGrace]);
        failures[0].Explanation.ShouldEndWith("(it was killed only at 40.000 s).");
    }

    [Fact]
    public void Attribute_SentAfterSigTermBeforeEndpointRemoval_IsStillTheRace()
    {
        // Reached 'early' after its SIGTERM (one 50 ms before it, within the slack) and cut at its exit: the race, not the abort.
        var after = new RequestRecord(S(10.05), S(10.11), RequestOutcome.Reset, null, "early");
        var justBefore = new RequestRecord(S(9.95), S(10.11), RequestOutcome.Reset, null, "early");

        var failures = FailureAttributor.Attribute([justBefore, after], Events).Failures;

        failures.ShouldAllBe(f => f.Cause == FailureCause.SigTermBeforeEndpointRemoval && f.Pod == "early");
    }

    [Fact]
    public void Attribute_MessageLostOnAnAbortedConnection_HasTheConnectionsCause()
    {
        // Sent at 16.9 s, after the SIGTERM, on a WebSocket opened at 2 s: judged by the connection, not by when it was sent.
        var socket = Connection(2, 17.04, "plain");
        var lost = new RequestRecord(S(16.9), S(17.04), RequestOutcome.MessageLost, null, "plain", TrafficUnit.Message, socket.Session);

        var failures = FailureAttributor.Attribute([socket, lost], Events).Failures;

        failures.Select(f => f.Cause).ShouldBe([FailureCause.AbortedAtShutdown, FailureCause.AbortedAtShutdown]);
        failures.ShouldContain(f => ReferenceEquals(f.Request, lost));
    }

    [Fact]
    public void Attribute_AnswerOrTimeoutInFlightAtSigTerm_IsNotAnAbort()
    {
        // A 500 the app wrote and a client timeout were not cut by the shutdown: the timeline does not explain them.
        var error = new RequestRecord(S(10.5), S(12.5), RequestOutcome.ServerError, 500, "plain");
        var timeout = new RequestRecord(S(10.5), S(16.5), RequestOutcome.Timeout, null, "plain");

        var failures = FailureAttributor.Attribute([error, timeout], Events).Failures;

        failures.ShouldAllBe(f => f.Cause == FailureCause.Other && f.Explanation.Contains("not finished by the app"));
    }

    [Fact]
    public void Reports_AbortedAtShutdown_IsNamedInTextJsonAndHtml()
    {
        var records = new List<RequestRecord> { Connection(2, 17.04, "plain"), new(S(5), S(5.01), RequestOutcome.Ok, 200, "next") };

        var report = RolloutReport.Build("test", [], records, Events);

        report.Attribution.MainCause.ShouldBe(FailureCause.AbortedAtShutdown);
        TextReport.Render(report).ShouldContain("aborted by the app at shutdown");
        TextReport.Verdict(report).ShouldEndWith("main cause: aborted by the app at shutdown.");
        JsonReport.Render(report).ShouldContain("\"abortedAtShutdown\": 1");
        JsonReport.Render(report).ShouldContain("\"mainCause\": \"abortedAtShutdown\"");
        HtmlReport.Render(report).ShouldContain("data-cause=\"abortedAtShutdown\"");
        report.Notes.ShouldContain(n => n.StartsWith("aborted by the app at shutdown: 1 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Describe_EveryCause_HasItsOwnNameAndJsonName_AndTheDocsListThem()
    {
        var causes = Enum.GetValues<FailureCause>();
        var lab = File.ReadAllText(Path.Combine(TestPaths.Root, "docs", "lab.md"));

        causes.Select(AttributionResult.Describe).Distinct(StringComparer.Ordinal).Count().ShouldBe(causes.Length, "a cause without its own text would print as 'other'");
        causes.Select(JsonReport.Name).Distinct(StringComparer.Ordinal).Count().ShouldBe(causes.Length);
        JsonReport.Name(FailureCause.AbortedAtShutdown).ShouldBe("abortedAtShutdown");
        causes.ShouldAllBe(c => lab.Contains($"`{JsonReport.Name(c)}`", StringComparison.Ordinal), "docs/lab.md lists every cause's JSON name");
        lab.ShouldContain("| aborted by the app at shutdown |");
        File.ReadAllText(Path.Combine(TestPaths.Root, "docs", "verify.md")).ShouldContain("| aborted by the app at shutdown |");
    }

    private static RequestRecord Connection(double start, double end, string pod) =>
        new(S(start), S(end), RequestOutcome.AbnormalClose, null, pod, TrafficUnit.Connection,
            new SessionDetail(S(start), TrafficKind.WebSocket, "no close frame (1006)", null, null, "network", 200, 199, 0, false, null));
}
