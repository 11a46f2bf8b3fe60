using System.Globalization;
using System.Xml.Linq;

namespace Handoff.Analysis.Explain;

/// <summary>Draws workload timelines as one self-contained SVG: Track A beside Track B per data plane, a time axis in seconds, the exposure window shaded.</summary>
public static class TimelineSvg
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private const double Width = 960;
    private const double Left = 190;
    private const double Right = 30;
    private const double LaneHeight = 26;
    private const double LaneGap = 10;

    /// <summary>The SVG document for <paramref name="timelines"/>.</summary>
    public static XDocument Create(IReadOnlyList<WorkloadTimeline> timelines)
    {
        ArgumentNullException.ThrowIfNull(timelines);
        var root = new XElement(Svg + "svg",
            new XAttribute("width", Num(Width)),
            new XAttribute("font-family", "sans-serif"),
            new XAttribute("font-size", "12"),
            new XElement(Svg + "title", "Handoff: pod termination timelines"),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "#ffffff")));
        var y = 10.0;
        foreach (var timeline in timelines)
        {
            var (group, height) = Workload(timeline, y);
            root.Add(group);
            y += height + 20;
        }

        root.SetAttributeValue("height", Num(y));
        root.SetAttributeValue("viewBox", $"0 0 {Num(Width)} {Num(y)}");
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static (XElement Group, double Height) Workload(WorkloadTimeline t, double top)
    {
        var end = NiceCeiling(Math.Max(Math.Max(t.SigkillAtSeconds, t.PropagationSeconds), 1) * 1.08);
        double X(double seconds) => Left + (seconds / end * (Width - Left - Right));
        var g = new XElement(Svg + "g", new XAttribute("class", "workload"), new XAttribute("data-name", t.Name));
        var y = top + 16;
        g.Add(Text(10, y, t.ExposureKnown
            ? $"{t.Kind} {t.Namespace}/{t.Name} ({t.Profile}): exposure {Num(t.ExposureSeconds)} s, ~{Num(Math.Round(t.ExpectedFailedRequests, 1))} failed requests per terminated pod at {Num(t.RequestsPerSecond)} req/s"
            : $"{t.Kind} {t.Namespace}/{t.Name} ({t.Profile}): exposure unknown (the preStop hook's length cannot be read)", "title", bold: true));
        y += 14;
        var lanesTop = y;

        // Track A: preStop, in-app delay, drain, SIGKILL.
        g.Add(Text(10, y + 17, "Track A: kubelet", "lane-label"));
        g.Add(Rect(X(0), y, X(t.SigkillAtSeconds) - X(0), LaneHeight, "#eeeeee", "lane track-a"));
        if (t.SigtermAtSeconds > 0)
        {
            g.Add(Rect(X(0), y, X(t.SigtermAtSeconds) - X(0), LaneHeight, "#7aa6d8", "prestop", $"preStop {Num(t.PreStopSeconds)} s"));
        }

        if (t.StopListeningSeconds > t.SigtermAtSeconds)
        {
            g.Add(Rect(X(t.SigtermAtSeconds), y, X(t.StopListeningSeconds) - X(t.SigtermAtSeconds), LaneHeight, "#b7d0ec", "in-app-delay", $"in-app delay {Num(t.InAppDelaySeconds)} s"));
        }

        g.Add(Rect(X(t.StopListeningSeconds), y, X(t.SigkillAtSeconds) - X(t.StopListeningSeconds), LaneHeight, "#9fd49f", "drain", "drain window"));
        g.Add(Marker(X(t.SigtermAtSeconds), y, "SIGTERM", t.SigtermAtSeconds, "#1f4e8c", "sigterm"));
        g.Add(Marker(X(t.SigkillAtSeconds), y, "SIGKILL", t.SigkillAtSeconds, "#b00020", "sigkill"));
        y += LaneHeight + LaneGap;

        // Track B: one lane per data plane, "still sending" until its propagation time.
        foreach (var plane in t.Planes)
        {
            g.Add(Text(10, y + 17, $"Track B: {plane.Name}", "lane-label"));
            g.Add(Rect(X(0), y, X(end) - X(0), LaneHeight, "#eeeeee", "lane track-b"));
            g.Add(Rect(X(0), y, X(plane.PropagationSeconds) - X(0), LaneHeight, "#f2b66d", "sending", $"still sending new requests until {Num(plane.PropagationSeconds)} s"));
            g.Add(Marker(X(plane.PropagationSeconds), y, "removed", plane.PropagationSeconds, "#8a5a00", "endpoint-removed"));
            y += LaneHeight + LaneGap;
        }

        var lanesBottom = y - LaneGap;
        if (t.ExposureKnown && t.ExposureSeconds > 0)
        {
            var from = X(t.StopListeningSeconds);
            g.Add(new XElement(Svg + "rect",
                new XAttribute("class", "exposure"),
                new XAttribute("x", Num(from)), new XAttribute("y", Num(lanesTop - 4)),
                new XAttribute("width", Num(X(t.PropagationSeconds) - from)), new XAttribute("height", Num(lanesBottom - lanesTop + 8)),
                new XAttribute("fill", "#d0021b"), new XAttribute("fill-opacity", "0.22"),
                new XAttribute("stroke", "#d0021b"), new XAttribute("stroke-dasharray", "4 3"),
                new XElement(Svg + "title", $"exposure window: {Num(t.ExposureSeconds)} s")));
            g.Add(Text(from + 4, lanesBottom + 16, $"exposure {Num(t.ExposureSeconds)} s ({Num(t.StopListeningSeconds)}-{Num(t.PropagationSeconds)} s)", "exposure-label", fill: "#b00020"));
        }

        y += 18;

        // Time axis in seconds.
        var axisY = y + 6;
        g.Add(new XElement(Svg + "line", new XAttribute("class", "axis"), new XAttribute("x1", Num(X(0))), new XAttribute("x2", Num(X(end))),
            new XAttribute("y1", Num(axisY)), new XAttribute("y2", Num(axisY)), new XAttribute("stroke", "#333333")));
        var step = TickStep(end);
        for (var s = 0.0; s <= end + 1e-9; s += step)
        {
            g.Add(new XElement(Svg + "line", new XAttribute("class", "tick"), new XAttribute("x1", Num(X(s))), new XAttribute("x2", Num(X(s))),
                new XAttribute("y1", Num(axisY)), new XAttribute("y2", Num(axisY + 5)), new XAttribute("stroke", "#333333")));
            g.Add(new XElement(Svg + "text", new XAttribute("class", "tick-label"), new XAttribute("x", Num(X(s))), new XAttribute("y", Num(axisY + 18)),
                new XAttribute("text-anchor", "middle"), $"{Num(s)} s"));
        }

        y = axisY + 42;
        if (t.RolloutCost is { } cost && t.Rollout is { } r)
        {
            g.Add(Text(10, y, $"Rollout of {r.Replicas} replicas (maxSurge {r.MaxSurge}, maxUnavailable {r.MaxUnavailable}): complete after {Num(Math.Round(cost.CompleteSeconds))} s, old pods gone after {Num(Math.Round(cost.OldPodsGoneSeconds))} s, up to {cost.PeakPods} pods at once ({cost.PeakTerminating} terminating).", "rollout"));
            y += 8;
        }

        return (g, y - top);
    }

    private static XElement Rect(double x, double y, double width, double height, string fill, string cssClass, string? title = null)
    {
        var rect = new XElement(Svg + "rect", new XAttribute("class", cssClass),
            new XAttribute("x", Num(x)), new XAttribute("y", Num(y)), new XAttribute("width", Num(Math.Max(0, width))), new XAttribute("height", Num(height)),
            new XAttribute("fill", fill));
        if (title is not null)
        {
            rect.Add(new XElement(Svg + "title", title));
        }

        return rect;
    }

    private static XElement Marker(double x, double y, string label, double seconds, string colour, string cssClass) =>
        new(Svg + "g", new XAttribute("class", cssClass),
            new XElement(Svg + "line", new XAttribute("x1", Num(x)), new XAttribute("x2", Num(x)), new XAttribute("y1", Num(y - 3)), new XAttribute("y2", Num(y + LaneHeight + 3)),
                new XAttribute("stroke", colour), new XAttribute("stroke-width", "2")),
            new XElement(Svg + "text", new XAttribute("x", Num(x + 3)), new XAttribute("y", Num(y + 11)), new XAttribute("fill", colour), new XAttribute("font-size", "10"),
                $"{label} {Num(seconds)} s"));

    private static XElement Text(double x, double y, string text, string cssClass, bool bold = false, string fill = "#222222")
    {
        var element = new XElement(Svg + "text", new XAttribute("class", cssClass), new XAttribute("x", Num(x)), new XAttribute("y", Num(y)), new XAttribute("fill", fill), text);
        if (bold)
        {
            element.SetAttributeValue("font-weight", "bold");
        }

        return element;
    }

    private static double TickStep(double end) => end switch
    {
        <= 10 => 1,
        <= 25 => 2,
        <= 60 => 5,
        <= 150 => 10,
        <= 300 => 30,
        _ => 60,
    };

    private static double NiceCeiling(double seconds)
    {
        var step = TickStep(seconds);
        return Math.Ceiling(seconds / step) * step;
    }

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
