using System.Globalization;
using System.Net;
using System.Text;
using Handoff.Rollout.Attribution;

namespace Handoff.Rollout.Reports;

/// <summary>Renders a <see cref="RolloutReport"/> as one self-contained HTML page with an SVG timeline (no script, no external file).</summary>
/// <remarks>
/// The SVG has a request-rate chart on top, then one lane per pod: its phases (starting, serving, preStop,
/// draining after SIGTERM), a bar while it is an endpoint, a dashed line where the endpoint was removed, and a
/// red mark for each pixel column that holds failed requests sent to that pod. Elements carry classes
/// ('lane', 'phase', 'endpoint-removed', 'fail-mark') and data attributes so that tests and readers can find them.
/// </remarks>
public static class HtmlReport
{
    private const int Width = 1200;
    private const int Left = 200;
    private const int Right = 20;
    private const int RateHeight = 110;
    private const int LaneHeight = 34;
    private const string UnattributedLane = "(no pod)";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The report as an HTML document.</summary>
    public static string Render(RolloutReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(report.Title)).Append("</title>\n");
        html.Append("""
            <style>
            body { font: 14px system-ui, sans-serif; margin: 24px; color: #222; }
            h1 { font-size: 18px; margin: 0 0 8px; }
            .verdict { font-weight: 600; padding: 6px 10px; display: inline-block; border-radius: 4px; }
            .passed { background: #e3f4e3; color: #1d6b1d; } .failed { background: #fbe3e3; color: #a11d1d; }
            table { border-collapse: collapse; margin: 12px 0; } td, th { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; }
            td:first-child, th:first-child { text-align: left; }
            svg text { font: 12px system-ui, sans-serif; fill: #333; }
            .legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 14px; height: 10px; margin-right: 4px; vertical-align: middle; }
            </style>
            </head>
            <body>

            """);
        html.Append("<h1>").Append(E(report.Title)).Append("</h1>\n");
        html.Append("<p class=\"verdict ").Append(report.Passed ? "passed" : "failed").Append("\">").Append(E(TextReport.Verdict(report))).Append("</p>\n");
        html.Append("<table class=\"metadata\">\n");
        foreach (var (key, value) in report.Metadata)
        {
            html.Append("<tr><td>").Append(E(key)).Append("</td><td style=\"text-align:left\">").Append(E(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
        Legend(html);
        Svg(html, report);
        Tables(html, report);
        if (report.LongLived is { } longLived)
        {
            LongLivedTable(html, longLived);
        }

        foreach (var line in report.Problems.Select(p => "Problem: " + p).Concat(report.Notes.Select(n => "Note: " + n)))
        {
            html.Append("<p>").Append(E(line)).Append("</p>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    // WebSocket, SSE and gRPC traffic: closes, messages and reconnects, the same numbers as the text report's.
    private static void LongLivedTable(StringBuilder html, LongLivedSummary l)
    {
        var c = CultureInfo.InvariantCulture;
        var rows = new List<(string Name, string Value)>
        {
            ("traffic", Load.TrafficKinds.Name(l.Traffic)),
            ("connections established", string.Create(c, $"{l.Connections} ({l.Reconnects} reconnects)")),
            ("closed cleanly", l.CleanCloses.ToString(c)),
            ("abnormal closes", l.AbnormalCloses.ToString(c)),
            ("failed connects", l.FailedConnects.ToString(c)),
            ("endings", string.Join(", ", l.Endings.Select(e => string.Create(c, $"{e.Key} x{e.Value}")))),
            ("HTTP/2 frames received", l.Http2Frames.Count > 0 ? string.Join(", ", l.Http2Frames.Select(e => string.Create(c, $"{e.Key} x{e.Value}"))) : "none observed"),
            ("messages sent / echoed", string.Create(c, $"{l.MessagesSent} / {l.MessagesReceived}")),
            ("messages resent after a clean close", l.MessagesResent.ToString(c)),
            ("messages lost", l.MessagesLost.ToString(c)),
            ("peak reconnects per second", string.Create(c, $"{l.PeakReconnectsPerSecond}{(l.PeakReconnectsAt is { } at ? $" (at {at.TotalSeconds:0} s)" : string.Empty)}")),
        };
        html.Append("<h2 style=\"font-size:15px\">Long-lived connections</h2>\n<table class=\"long-lived\">\n");
        foreach (var (name, value) in rows)
        {
            html.Append("<tr><td>").Append(E(name)).Append("</td><td style=\"text-align:left\">").Append(E(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Legend(StringBuilder html) => html.Append("""
        <p class="legend"><span><i style="background:#c7c7c7"></i>starting</span><span><i style="background:#2ca02c"></i>serving</span><span><i style="background:#f0ad4e"></i>preStop</span><span><i style="background:#e6550d"></i>after SIGTERM</span><span><i style="background:#1f77b4"></i>endpoint in the load balancer</span><span><i style="background:#d62728"></i>failed requests</span><span><i style="background:#fbe3e3"></i>stopped but still an endpoint</span><span><i style="background:#6a9fd4"></i>request rate</span></p>

        """);

    private static void Svg(StringBuilder html, RolloutReport report)
    {
        var end = report.End > TimeSpan.Zero ? report.End : TimeSpan.FromSeconds(1);
        var lanes = report.Pods.Select(p => p.Name).ToList();
        var unattributed = report.Attribution.Failures.Any(f => f.Pod is null || !lanes.Contains(f.Pod, StringComparer.Ordinal));
        if (unattributed)
        {
            lanes.Add(UnattributedLane);
        }

        var top = RateHeight + 30;
        var height = top + (lanes.Count * LaneHeight) + 40;
        double X(TimeSpan t) => Left + ((Width - Left - Right) * Math.Clamp(t / end, 0, 1));
        double Y(int lane) => top + (lane * LaneHeight);

        html.Append(C, $"<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" data-lanes=\"{report.Pods.Count}\">\n");
        html.Append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        Rate(html, report, X);

        // Time axis with a grid line every few seconds.
        var step = Math.Max(1, (int)Math.Ceiling(end.TotalSeconds / 15));
        for (var s = 0; s <= (int)end.TotalSeconds; s += step)
        {
            var x = X(TimeSpan.FromSeconds(s));
            html.Append(C, $"<line x1=\"{x:0.#}\" y1=\"{top - 6}\" x2=\"{x:0.#}\" y2=\"{height - 30}\" stroke=\"#eee\"/>");
            html.Append(C, $"<text x=\"{x:0.#}\" y=\"{height - 14}\" text-anchor=\"middle\">{s}s</text>\n");
        }

        for (var i = 0; i < report.Pods.Count; i++)
        {
            Lane(html, report.Pods[i], Y(i), X, end);
        }

        if (unattributed)
        {
            html.Append(C, $"<g class=\"lane lane-unattributed\" data-pod=\"\"><text x=\"8\" y=\"{Y(lanes.Count - 1) + 20:0}\">{E(UnattributedLane)}</text></g>\n");
        }

        FailureMarks(html, report, lanes, X, Y);
        html.Append("</svg>\n");
    }

    private static void Rate(StringBuilder html, RolloutReport report, Func<TimeSpan, double> x)
    {
        if (report.Rate.Count == 0)
        {
            return;
        }

        var perSecond = 1 / RolloutReport.RateBin.TotalSeconds;
        var max = Math.Max(1, report.Rate.Max(b => b.Sent) * perSecond);
        double Y(double value) => 20 + (RateHeight - 20) * (1 - (value / max));
        string Points(Func<RateBin, int> value) => string.Join(' ', report.Rate.SelectMany(b => new[]
        {
            string.Create(C, $"{x(b.Start):0.#},{Y(value(b) * perSecond):0.#}"),
            string.Create(C, $"{x(b.Start + RolloutReport.RateBin):0.#},{Y(value(b) * perSecond):0.#}"),
        }));

        html.Append("<g class=\"rate\">\n");
        html.Append(C, $"<text x=\"8\" y=\"34\">requests/s</text><text x=\"8\" y=\"50\">(max {max:0})</text>\n");
        html.Append(C, $"<line x1=\"{Left}\" y1=\"{RateHeight}\" x2=\"{Width - Right}\" y2=\"{RateHeight}\" stroke=\"#ccc\"/>\n");
        html.Append("<polyline class=\"rate-sent\" fill=\"none\" stroke=\"#6a9fd4\" stroke-width=\"1.5\" points=\"").Append(Points(b => b.Sent)).Append("\"/>\n");
        if (report.Failed > 0)
        {
            html.Append("<polyline class=\"rate-failed\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" points=\"").Append(Points(b => b.Failed)).Append("\"/>\n");
        }

        html.Append("</g>\n");
    }

    private static void Lane(StringBuilder html, PodLane pod, double y, Func<TimeSpan, double> x, TimeSpan end)
    {
        html.Append(C, $"<g class=\"lane\" data-pod=\"{E(pod.Name)}\">\n<text x=\"8\" y=\"{y + 20:0}\">{E(pod.Name)}</text>\n");
        var gone = pod.Exited ?? end;
        void Phase(string name, string color, TimeSpan? from, TimeSpan? to)
        {
            if (from is not { } f)
            {
                return;
            }

            var t = to ?? gone;
            var w = Math.Max(1, x(t) - x(f));
            html.Append(C, $"<rect class=\"phase phase-{name}\" x=\"{x(f):0.#}\" y=\"{y + 6:0.#}\" width=\"{w:0.#}\" height=\"16\" fill=\"{color}\"><title>{name}: {f.TotalSeconds:0.000}s to {t.TotalSeconds:0.000}s</title></rect>\n");
        }

        // The exposure window: the pod has stopped (SIGTERM or exit) while a data plane still sends to it.
        var stopped = pod.SigTerm ?? pod.Exited;
        var removedAt = pod.Endpoint.Count > 0 ? pod.Endpoint[^1].To : null;
        if (stopped is { } s && removedAt is { } r && r > s)
        {
            html.Append(C, $"<rect class=\"exposure\" x=\"{x(s):0.#}\" y=\"{y + 1:0.#}\" width=\"{Math.Max(1, x(r) - x(s)):0.#}\" height=\"32\" fill=\"#fbe3e3\"><title>exposure window: stopped at {s.TotalSeconds:0.000}s, still an endpoint until {r.TotalSeconds:0.000}s</title></rect>\n");
        }

        var stopServing = Min(pod.Terminating, pod.Exited);
        Phase("starting", "#c7c7c7", pod.Created, Min(pod.Ready, stopServing));
        Phase("serving", "#2ca02c", pod.Ready, stopServing);
        Phase("prestop", "#f0ad4e", pod.PreStopStarted, Min(pod.PreStopEnded, pod.SigTerm, pod.Exited));
        Phase("draining", "#e6550d", pod.SigTerm, pod.Exited);
        foreach (var (from, to) in pod.Endpoint)
        {
            var w = Math.Max(1, x(to ?? end) - x(from));
            html.Append(C, $"<rect class=\"endpoint\" x=\"{x(from):0.#}\" y=\"{y + 24:0.#}\" width=\"{w:0.#}\" height=\"4\" fill=\"#1f77b4\"><title>endpoint in the load balancer</title></rect>\n");
            if (to is { } removed)
            {
                html.Append(C, $"<line class=\"endpoint-removed\" x1=\"{x(removed):0.#}\" y1=\"{y + 2:0.#}\" x2=\"{x(removed):0.#}\" y2=\"{y + 32:0.#}\" stroke=\"#1f77b4\" stroke-width=\"2\" stroke-dasharray=\"3 2\"><title>endpoint removed at {removed.TotalSeconds:0.000}s</title></line>\n");
            }
        }

        if (pod.SigTerm is { } term)
        {
            html.Append(C, $"<line class=\"sigterm\" x1=\"{x(term):0.#}\" y1=\"{y + 3:0.#}\" x2=\"{x(term):0.#}\" y2=\"{y + 25:0.#}\" stroke=\"#000\" stroke-width=\"1.5\"><title>SIGTERM at {term.TotalSeconds:0.000}s</title></line>\n");
        }

        if (pod.SigKill is { } kill)
        {
            html.Append(C, $"<text class=\"sigkill\" x=\"{x(kill):0.#}\" y=\"{y + 19:0.#}\" text-anchor=\"middle\" font-weight=\"bold\">✕<title>SIGKILL at {kill.TotalSeconds:0.000}s</title></text>\n");
        }

        html.Append("</g>\n");
    }

    private static void FailureMarks(StringBuilder html, RolloutReport report, List<string> lanes, Func<TimeSpan, double> x, Func<int, double> y)
    {
        // One mark per lane and pixel column: thousands of failures stay a light page, and each mark tells its count.
        var marks = report.Attribution.Failures
            .GroupBy(f => (Lane: f.Pod is { } p && lanes.Contains(p, StringComparer.Ordinal) ? lanes.IndexOf(p) : lanes.Count - 1, Column: (int)x(f.Request.Start)))
            .OrderBy(g => g.Key.Lane).ThenBy(g => g.Key.Column);
        html.Append(C, $"<g class=\"failures\" data-failed=\"{report.Failed}\">\n");
        foreach (var mark in marks)
        {
            var cause = mark.GroupBy(f => f.Cause).MaxBy(g => g.Count())!.Key;
            html.Append(C, $"<rect class=\"fail-mark\" data-cause=\"{JsonReport.Name(cause)}\" data-count=\"{mark.Count()}\" x=\"{mark.Key.Column - 1}\" y=\"{y(mark.Key.Lane) + 2:0.#}\" width=\"3\" height=\"24\" fill=\"#d62728\" fill-opacity=\"0.85\"><title>{mark.Count()} failed ({E(AttributionResult.Describe(cause))})</title></rect>\n");
        }

        html.Append("</g>\n");
    }

    private static void Tables(StringBuilder html, RolloutReport report)
    {
        if (report.Failed > 0)
        {
            html.Append("<table class=\"causes\"><tr><th>cause</th><th>failed</th></tr>\n");
            foreach (var (cause, count) in report.Attribution.ByCause)
            {
                html.Append(C, $"<tr><td>{E(AttributionResult.Describe(cause))}</td><td>{count}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        var byPod = report.Attribution.ByPod;
        html.Append("<table class=\"pods\"><tr><th>pod</th><th>created</th><th>ready</th><th>terminating</th><th>SIGTERM</th><th>endpoint removed</th><th>exited</th><th>failed</th><th>P seen</th></tr>\n");
        var propagation = report.Propagation.Pods.ToDictionary(p => p.Pod, StringComparer.Ordinal);
        foreach (var p in report.Pods)
        {
            html.Append(C, $"<tr><td>{E(p.Name)}</td><td>{S(p.Created)}</td><td>{S(p.Ready)}</td><td>{S(p.Terminating)}</td><td>{S(p.SigTerm)}</td><td>{S(p.Endpoint.Count > 0 ? p.Endpoint[^1].To : null)}</td><td>{S(p.Exited)}</td><td>{(byPod.TryGetValue(p.Name, out var n) ? n : 0)}</td><td class=\"observed-propagation\">{E(propagation.TryGetValue(p.Name, out var seen) ? TextReport.ObservedPropagation(seen) : "-")}</td></tr>\n");
        }

        html.Append("</table>\n");
        if (TextReport.PropagationLine(report) is { } line)
        {
            html.Append("<p class=\"propagation\">Propagation: ").Append(E(line)).Append("</p>\n");
        }
    }

    private static TimeSpan? Min(params TimeSpan?[] values) => values.Where(v => v is not null).Min();

    private static string S(TimeSpan? t) => t is { } v ? v.TotalSeconds.ToString("0.000", C) : "-";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
