using System.Globalization;
using System.Text;
using Handoff.Rollout.Attribution;

namespace Handoff.Rollout.Reports;

/// <summary>Renders a <see cref="RolloutReport"/> as plain text tables for a terminal.</summary>
public static class TextReport
{
    /// <summary>The report as text, ending with the verdict line.</summary>
    public static string Render(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(report.Title);
        foreach (var (key, value) in report.Metadata)
        {
            text.Append(c, $"  {key,-14} {value}").AppendLine();
        }

        var sent = report.Records.Count;
        text.AppendLine();
        if (report.LongLived is { } longLived)
        {
            LongLivedLines(text, longLived);
            text.Append(c, $"records   {sent} (connections, failed connects and lost messages), {report.Failed} failed ({Share(report.Failed, sent)})").AppendLine();
        }
        else
        {
            text.Append(c, $"requests  {sent} sent, {sent - report.Failed} ok, {report.Failed} failed ({Share(report.Failed, sent)})").AppendLine();
        }

        var outcomes = report.Outcomes.Where(o => o.Key != Load.RequestOutcome.Ok).Select(o => $"{o.Key} {o.Value}").ToList();
        if (outcomes.Count > 0)
        {
            text.Append(c, $"outcomes  {string.Join(", ", outcomes)}").AppendLine();
        }

        if (report.Failed > 0)
        {
            text.AppendLine();
            Table(text, ["cause", "failed", "share"], [.. report.Attribution.ByCause.Select(kv => new[]
            {
                AttributionResult.Describe(kv.Key),
                kv.Value.ToString(c),
                Share(kv.Value, report.Failed),
            })]);
        }

        text.AppendLine();
        var failedByPod = report.Attribution.ByPod;
        var propagation = report.Propagation.Pods.ToDictionary(p => p.Pod, StringComparer.Ordinal);
        Table(text, ["pod", "created", "ready", "terminating", "SIGTERM", "endpoint removed", "exited", "failed", "P seen"], [.. report.Pods.Select(p => new[]
        {
            p.Name,
            Seconds(p.Created),
            Seconds(p.Ready),
            Seconds(p.Terminating),
            Seconds(p.SigTerm) + (p.SigKill is not null ? " (killed)" : string.Empty),
            Seconds(p.Endpoint.Count > 0 ? p.Endpoint[^1].To : null),
            Seconds(p.Exited),
            failedByPod.TryGetValue(p.Name, out var n) ? n.ToString(c) : "0",
            propagation.TryGetValue(p.Name, out var seen) ? ObservedPropagation(seen) : "-",
        })]);
        text.AppendLine("  (seconds from the start of the run; '-' did not happen; P seen: seconds from deletion to the last request the pod got, '>=' a lower bound)");
        if (PropagationLine(report) is { } line)
        {
            text.Append(c, $"propagation  {line}").AppendLine();
        }

        foreach (var note in report.Notes)
        {
            text.Append(c, $"note: {note}").AppendLine();
        }

        foreach (var problem in report.Problems)
        {
            text.Append(c, $"problem: {problem}").AppendLine();
        }

        text.AppendLine();
        text.AppendLine(Verdict(report));
        return text.ToString();
    }

    /// <summary>The one-line verdict.</summary>
    public static string Verdict(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        if (report.LongLived is { } l)
        {
            var counts = string.Create(c, $"{l.AbnormalCloses} of {l.Connections} {Noun(l)} ended abnormally, {(l.MessagesSent > 0 ? $"{l.MessagesLost} of {l.MessagesSent} messages lost" : $"{l.MessagesReceived} messages received")}, {l.FailedConnects} connects failed");
            return report.Passed ? $"PASSED: {counts}."
                : report.Failed == 0 ? $"FAILED: {counts}, but {string.Join(" ", report.Problems)}"
                : $"FAILED: {counts}; main cause: {AttributionResult.Describe(report.Attribution.MainCause!.Value)}.";
        }

        if (report.Passed)
        {
            return string.Create(c, $"PASSED: 0 of {report.Records.Count} requests failed.");
        }

        if (report.Failed == 0)
        {
            return string.Create(c, $"FAILED: 0 of {report.Records.Count} requests failed, but {string.Join(" ", report.Problems)}");
        }

        var cause = AttributionResult.Describe(report.Attribution.MainCause!.Value);
        return string.Create(c, $"FAILED: {report.Failed} of {report.Records.Count} requests failed; main cause: {cause}.");
    }

    /// <summary>
    /// The propagation line of <paramref name="report"/>: for long-lived traffic a sentence that it is not measured
    /// there (a connection stays on the pod it opened after the pod's endpoint is removed, so the traffic does not show
    /// when the load balancer stopped routing new ones), else <see cref="PropagationLine(Attribution.PropagationMeasurement)"/>.
    /// </summary>
    public static string? PropagationLine(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Propagation.Max is null)
        {
            return PropagationLine(report.Propagation);
        }

        var configured = string.Create(CultureInfo.InvariantCulture, $"configured {report.Propagation.Configured.TotalSeconds:0.###} s ({report.Propagation.ConfiguredSource})");
        return report.LongLived is not null
            ? $"not measured from long-lived traffic (a connection stays on its pod after the endpoint is removed); {configured}; measure it with --traffic http{(report.ConnectionsPinned ? " --lb haproxy" : string.Empty)}"
            : report.ConnectionsPinned
            ? $"not measured behind a TCP load balancer (a keep-alive connection stays on its pod after the endpoint is removed); {configured}; measure it with --lb haproxy"
            : PropagationLine(report.Propagation);
    }

    /// <summary>One line: the observed propagation (max, median, over how many pods) beside the configured or assumed one; null when no pod was deleted.</summary>
    public static string? PropagationLine(Attribution.PropagationMeasurement propagation)
    {
        ArgumentNullException.ThrowIfNull(propagation);
        if (propagation is not { Max: { } max, Median: { } median })
        {
            return null;
        }

        var bound = propagation.IsLowerBound ? ">=" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"observed max {bound}{max.TotalSeconds:0.000} s, median {bound}{median.TotalSeconds:0.000} s over {propagation.Pods.Count} old pod(s); configured {propagation.Configured.TotalSeconds:0.###} s ({propagation.ConfiguredSource}){(propagation.IsLowerBound ? "; '>=' is a lower bound, see the notes" : string.Empty)}");
    }

    /// <summary>A pod's observed propagation in seconds, '>=' before a lower bound.</summary>
    public static string ObservedPropagation(Attribution.PodPropagation propagation)
    {
        ArgumentNullException.ThrowIfNull(propagation);
        return (propagation.IsLowerBound ? ">=" : string.Empty) + propagation.Observed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
    }

    /// <summary>The long-lived connections' lines: closes by kind, messages, reconnects.</summary>
    private static void LongLivedLines(StringBuilder text, LongLivedSummary l)
    {
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"{Noun(l),-11} {Load.TrafficKinds.Name(l.Traffic)}: {l.Connections} established ({l.Reconnects} reconnects), {l.CleanCloses} closed cleanly, {l.AbnormalCloses} abnormal closes, {l.FailedConnects} failed connects").AppendLine();
        if (l.Endings.Count > 0)
        {
            text.Append(c, $"endings     {string.Join(", ", l.Endings.Select(e => $"{e.Key} x{e.Value}"))}").AppendLine();
        }

        if (l.Http2Frames.Count > 0)
        {
            text.Append(c, $"http/2      {string.Join(", ", l.Http2Frames.Select(e => $"{e.Key} x{e.Value}"))} (received by the clients while their streams were open)").AppendLine();
        }

        text.AppendLine(l.Traffic is Load.TrafficKind.Sse or Load.TrafficKind.GrpcTicks
            ? string.Create(c, $"messages    {l.MessagesReceived} received from the server (events or ticks; nothing is echoed, so none can be counted lost)")
            : string.Create(c, $"messages    {l.MessagesSent} sent, {l.MessagesReceived} echoed, {l.MessagesResent} resent after a clean close, {l.MessagesLost} lost"));
        text.Append(c, $"reconnects  peak {l.PeakReconnectsPerSecond} per second{(l.PeakReconnectsAt is { } at ? $" (at {at.TotalSeconds:0} s)" : string.Empty)}; reconnect time median {Millis(l.MedianReconnectDelay)}, max {Millis(l.MaxReconnectDelay)}").AppendLine();
    }

    private static string Noun(LongLivedSummary l) => Load.TrafficKinds.IsGrpc(l.Traffic) ? "streams" : "connections";

    private static string Millis(TimeSpan? t) => t is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalMilliseconds:0} ms") : "-";

    private static string Seconds(TimeSpan? at) => at is { } t ? t.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Share(int part, int whole) =>
        whole == 0 ? "0 %" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.##} %");

    private static void Table(StringBuilder text, string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        void Row(string[] cells)
        {
            text.Append("  ");
            for (var i = 0; i < cells.Length; i++)
            {
                // First column left-aligned (names), the rest right-aligned (numbers).
                text.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
                text.Append(i < cells.Length - 1 ? "  " : string.Empty);
            }

            text.AppendLine();
        }

        Row(header);
        foreach (var row in rows)
        {
            Row(row);
        }
    }
}
