using System.Globalization;
using System.Text;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Timing;
using Spectre.Console;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Cli.Rendering;

/// <summary>Draws 'explain' timelines in a terminal: the two tracks as bars on one time scale, then what they mean.</summary>
internal static class ExplainTextRenderer
{
    private const int BarWidth = 60;

    public static void Render(IAnsiConsole console, IReadOnlyList<WorkloadTimeline> timelines)
    {
        foreach (var t in timelines)
        {
            console.MarkupLine($"[bold]{Esc($"{t.Kind} {t.Namespace}/{t.Name}")}[/] [dim]({Esc(t.File)}, profile {Esc(t.Profile)}{(t.Container is null ? string.Empty : $", container '{Esc(t.Container)}'")})[/]");
            var end = Math.Max(Math.Max(Math.Max(t.SigkillAtSeconds, t.PropagationSeconds), t.LongLivedEndsAtSeconds ?? 0), 1);
            int Col(double s) => (int)Math.Round(s / end * BarWidth);

            console.WriteLine($"  {"",-22} {Axis(end)}");
            var trackA = new StringBuilder(new string(' ', BarWidth + 1));
            Fill(trackA, 0, Col(t.SigtermAtSeconds), 'p');
            Fill(trackA, Col(t.SigtermAtSeconds), Col(t.StopListeningSeconds), 'd');
            Fill(trackA, Col(t.StopListeningSeconds), Col(t.SigkillAtSeconds), '=');
            trackA[Math.Min(BarWidth, Col(t.SigtermAtSeconds))] = 'T';
            trackA[Math.Min(BarWidth, Col(t.SigkillAtSeconds))] = 'K';
            console.WriteLine($"  {"Track A: kubelet",-22} {trackA.ToString().TrimEnd()}");
            if (t.LongLivedEndsAtSeconds is { } longLivedEnd)
            {
                var lane = new StringBuilder(new string(' ', BarWidth + 1));
                Fill(lane, Col(t.StopListeningSeconds), Col(Math.Min(longLivedEnd, t.SigkillAtSeconds)), 'w');
                Fill(lane, Col(t.SigkillAtSeconds), Col(longLivedEnd), 'x');
                console.WriteLine($"  {Truncate("Track A: " + t.LongLivedProtocols, 22),-22} {lane.ToString().TrimEnd()}");
            }

            foreach (var plane in t.Planes)
            {
                var lane = new StringBuilder(new string(' ', BarWidth + 1));
                Fill(lane, 0, Col(plane.PropagationSeconds), '~');
                lane[Math.Min(BarWidth, Col(plane.PropagationSeconds))] = '|';
                console.WriteLine($"  {Truncate("Track B: " + plane.Name, 22),-22} {lane.ToString().TrimEnd()}");
            }

            if (t.ExposureKnown && t.ExposureSeconds > 0)
            {
                var lane = new StringBuilder(new string(' ', BarWidth + 1));
                Fill(lane, Col(t.StopListeningSeconds), Math.Max(Col(t.StopListeningSeconds) + 1, Col(t.PropagationSeconds)), '!');
                console.MarkupLine($"  {"exposure",-22} [red]{Esc(lane.ToString().TrimEnd())}[/]");
            }

            console.MarkupLine($"  [dim]p preStop, d in-app delay, = drain window, T SIGTERM, K SIGKILL, {(t.LongLivedEndsAtSeconds is null ? string.Empty : "w long-lived drain window, x cut by SIGKILL, ")}~ plane still sends new requests, | endpoint removed, ! exposure[/]");
            var preStop = t.PreStopSource switch
            {
                PreStopSource.None => "no preStop",
                PreStopSource.Unknown => "a preStop of unknown length (counted as 0 s)",
                _ => $"preStop {Seconds(t.PreStopSeconds)}",
            };
            console.WriteLine($"  Track A: {preStop}; SIGTERM at {Seconds(t.SigtermAtSeconds)}; stops taking requests at {Seconds(t.StopListeningSeconds)}; drains for up to {Seconds(t.DrainSeconds)} (exits by {Seconds(t.ExitAtSeconds)}); SIGKILL at {Seconds(t.SigkillAtSeconds)} (grace period {Seconds(t.GracePeriodSeconds)}).");
            if (t.LongLivedEndsAtSeconds is { } ends)
            {
                var fit = t.LongLivedCutSeconds > 0
                    ? $"SIGKILL at {Seconds(t.SigkillAtSeconds)} cuts the last {Seconds(t.LongLivedCutSeconds)} of it"
                    : $"it ends before SIGKILL at {Seconds(t.SigkillAtSeconds)}";
                console.WriteLine($"  Long-lived ({t.LongLivedProtocols}): the connections close from {Seconds(t.StopListeningSeconds)} to {Seconds(ends)} ({Seconds(t.LongLivedDrainSeconds!.Value)} window; seed 001 gives such services 60-120 s of grace); {fit}.");
            }

            console.WriteLine($"  Track B: {string.Join("; ", t.Planes.Select(p => $"{p.Name} stops sending at {Seconds(p.PropagationSeconds)}{(p.MinSeconds < p.PropagationSeconds ? $" (range {Seconds(p.MinSeconds)} to {Seconds(p.PropagationSeconds)})" : string.Empty)}"))}.");
            if (!t.ExposureKnown)
            {
                console.MarkupLine($"  [yellow]Exposure unknown[/]: the preStop hook's length cannot be read from the manifest, so when the process stops taking requests (and how many fail) is not known; declare it with the '{Handoff.Analysis.Model.HandoffAnnotations.PreStopSeconds}' annotation.");
            }
            else if (t.ExposureSeconds > 0)
            {
                console.MarkupLine($"  [red]Exposure {Esc(Seconds(t.ExposureSeconds))}[/] ({Seconds(t.StopListeningSeconds)} to {Seconds(t.PropagationSeconds)}): about {Number(Math.Round(t.ExpectedFailedRequests, 1))} failed requests per terminated pod at {Number(t.RequestsPerSecond)} req/s to it, with a load balancer that does not retry.");
            }
            else
            {
                console.MarkupLine($"  [green]No exposure[/]: the process keeps taking requests until {Seconds(t.StopListeningSeconds)}, after the slowest plane stopped sending at {Seconds(t.PropagationSeconds)}.");
            }

            if (t.Rollout is { } r && t.RolloutCost is { } cost && t.RolloutCostIfWaiting is { } waiting)
            {
                var strategy = r.Recreate ? "Recreate" : $"maxSurge {r.MaxSurge}, maxUnavailable {r.MaxUnavailable}";
                console.WriteLine($"  Rollout of {r.Replicas} replica{(r.Replicas == 1 ? string.Empty : "s")} ({strategy}, minReadySeconds {Number(r.MinReadySeconds)}, assuming pods are ready {Seconds(r.PodStartSeconds)} after creation):");
                console.WriteLine($"    complete after {Duration(cost.CompleteSeconds)}; the last old pod is gone after {Duration(cost.OldPodsGoneSeconds)}; up to {cost.PeakPods} pods alive at once ({cost.PeakExtraPods} above replicas, {cost.PeakTerminating} of them terminating).");
                if (!r.Recreate && t.PreStopSeconds > 0)
                {
                    console.WriteLine($"    The Deployment controller does not wait for terminating pods, so preStop costs pods, not time. Waiting for each ({Number(r.Replicas)} x {Seconds(t.PreStopSeconds)} = {Duration(t.SequentialPreStopSeconds)} of preStop) happens only with the opt-in TerminationComplete replacement policy (KEP-5882): {Duration(waiting.CompleteSeconds)} with at most {waiting.PeakPods} pods.");
                }

                if (t.Loss is { } loss)
                {
                    var slowest = t.Planes.MaxBy(p => p.PropagationSeconds);
                    var over = slowest is not null && slowest.MinSeconds < slowest.PropagationSeconds
                        ? $"P averaged over the slowest plane's range, {Seconds(slowest.MinSeconds)} to {Seconds(slowest.PropagationSeconds)}"
                        : $"P {Seconds(t.PropagationSeconds)}";
                    console.WriteLine($"    At {Number(loss.ServiceRequestsPerSecond)} req/s to the Service, shared by the endpoints in the load balancer: about {Number(Math.Round(loss.ExpectedFailedRequests))} failed requests in the whole rollout ({over}).");
                    foreach (var pod in loss.Pods.Where(p => p.ExpectedFailedRequests >= 0.5))
                    {
                        var cut = pod.CutRequests >= 0.5 ? $" + {Number(Math.Round(pod.CutRequests))} in flight at SIGKILL" : string.Empty;
                        console.WriteLine($"      {pod.Pod} (deleted at {Seconds(Math.Round(pod.DeletedAtSeconds, 1))}, {Number(Math.Round(pod.EndpointsSharing, 1))} endpoints sharing the load): {Number(Math.Round(pod.RefusedRequests))} refused{cut}.");
                    }

                    if (loss.NoEndpointSeconds > 0)
                    {
                        console.MarkupLine($"      [red]No endpoint for {Esc(Seconds(Math.Round(loss.NoEndpointSeconds, 1)))}[/]: {Number(Math.Round(loss.NoEndpointRequests))} requests find no pod to go to.");
                    }
                }
            }

            console.WriteLine();
        }
    }

    private static string Axis(double end)
    {
        var sb = new StringBuilder(new string(' ', BarWidth + 8));
        for (var i = 0; i <= 4; i++)
        {
            var col = i * BarWidth / 4;
            var label = (end * i / 4).ToString("0.#", CultureInfo.InvariantCulture) + "s";
            for (var k = 0; k < label.Length && col + k < sb.Length; k++)
            {
                sb[col + k] = label[k];
            }
        }

        return sb.ToString().TrimEnd();
    }

    private static string Duration(double seconds) => seconds >= 120
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min ({seconds:0} s)")
        : Seconds(Math.Round(seconds, 1));

    private static void Fill(StringBuilder sb, int from, int to, char c)
    {
        for (var i = Math.Max(0, from); i < Math.Min(BarWidth, to); i++)
        {
            sb[i] = c;
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Esc(string text) => Markup.Escape(text);
}
