using System.Globalization;
using Handoff.Rollout.Load;
using Handoff.Rollout.Reports;

namespace Handoff.Rollout.Lab;

/// <summary>Turns a <see cref="LabResult"/> into the shared <see cref="RolloutReport"/>.</summary>
public static class LabReport
{
    /// <summary>Builds the report of a lab run.</summary>
    public static RolloutReport Build(LabResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        var spec = result.Spec;
        var o = result.Options;
        var strategy = spec.Recreate
            ? "Recreate"
            : string.Create(c, $"RollingUpdate maxSurge {spec.MaxSurge}, maxUnavailable {spec.MaxUnavailable}");
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("deployment", string.Create(c, $"{spec.Name}: {spec.Replicas} replicas, {strategy}, minReadySeconds {spec.MinReady.TotalSeconds:0}")),
            new("termination", string.Create(c, $"preStop {spec.PreStop?.Source ?? "none"}, grace period {spec.GracePeriod.TotalSeconds:0} s")),
            new("probes", $"readiness {Probe(spec.Readiness)}, startup {Probe(spec.Startup)}"),
            new("load balancer", $"{result.LoadBalancer}, no retries, no redispatch"),
            new("propagation", o.Propagation.ToString()),
            new("load", o.Traffic.IsLongLived()
                ? string.Create(c, $"{o.Connections} long-lived {o.Traffic.Name()} connections to {o.TrafficPath}{o.Traffic switch
                {
                    Load.TrafficKind.Sse => string.Empty,
                    Load.TrafficKind.GrpcTicks => $", the server sends a message every {LabDuration.Format(o.MessageInterval)} on each",
                    _ => $", a sequenced message every {LabDuration.Format(o.MessageInterval)} on each",
                }}, reconnecting when closed, {LabDuration.Format(o.Duration)}")
                : o.ClosedLoop
                ? string.Create(c, $"closed-loop over {o.Connections} connections, {LabDuration.Format(o.Duration)}, GET {o.Path}")
                : string.Create(c, $"{o.RequestsPerSecond} req/s open-loop over {o.Connections} connections, {LabDuration.Format(o.Duration)}, GET {o.Path}")),
            new("duration", $"{LabDuration.Format(o.Duration)} ({o.DurationSource ?? "set by the caller"})"),
            new("app", o.App.Template),
            new("seed", result.Seed.ToString(c)),
            new("started", result.StartedAt.ToString("u", c)),
        };

        var problems = new List<string>();
        if (result.Cancelled)
        {
            problems.Add("The run was cancelled before the end.");
        }
        else if (!result.RolloutFinished)
        {
            problems.Add($"The run was cut short: the rollout did not finish within the load's {LabDuration.Format(o.Duration)} ({o.DurationSource ?? "--duration"}); pass a longer --duration so that every old pod has exited while load runs.");
        }

        // The lab's endpoint removals are HAProxy's own (the data plane), so the lag matters only to evidence seen on a control plane.
        var report = RolloutReport.Build($"handoff lab {spec.SourceFile}", metadata, result.Load.Records, result.Events, problems, spec.Notes,
            new Attribution.AttributionOptions
            {
                DataPlaneLag = o.Propagation.Max,
                DataPlaneLagSource = o.Propagation.Min == o.Propagation.Max ? $"--propagation {o.Propagation}" : $"--propagation {o.Propagation}, drawn per pod",
                DataPlaneLagByPod = result.PodPropagation,
            });
        report = report with { ConnectionsPinned = o.LoadBalancer == LoadBalancerMode.Tcp };
        if (ResetByHaProxy(report, o) is { } resetNote)
        {
            report = report with { Notes = [.. report.Notes, resetNote] };
        }

        var unexplainedTimeouts = report.Attribution.Failures.Count(f => f.Cause == Attribution.FailureCause.Other && f.Request.Outcome == Load.RequestOutcome.Timeout);
        if (unexplainedTimeouts > 0)
        {
            // On one machine the load balancer, the pods and the client share the CPUs: timeouts that no pod event
            // explains mean the machine did not keep up, which says nothing about the rollout.
            report = report with
            {
                Notes = [.. report.Notes, string.Create(c, $"{unexplainedTimeouts} requests timed out with no pod event to explain them: this machine probably could not keep up with {o.RequestsPerSecond} req/s (other load, too many pods); lower --rps and run again.")],
            };
        }

        return report;
    }

    // Behind HAProxy in HTTP mode a client's RST_STREAM comes from HAProxy, which sends CANCEL whether the pod aborted the
    // stream or ended it with trailers and RST_STREAM(NO_ERROR) (haproxy/haproxy#1219): the client cannot tell which.
    private static string? ResetByHaProxy(RolloutReport report, LabOptions o)
    {
        if (o.LoadBalancer != LoadBalancerMode.Http || !o.Traffic.IsGrpc())
        {
            return null;
        }

        var cancelled = report.Records.Count(r => r.Outcome == Load.RequestOutcome.AbnormalClose && r.Session?.Http2Frames?.Contains("RST_STREAM (CANCEL)", StringComparison.Ordinal) == true);
        return cancelled == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{cancelled} gRPC stream(s) ended with RST_STREAM (CANCEL) from HAProxy. HAProxy 2.6 in HTTP mode sends CANCEL both when the pod aborted a stream and when it ended it cleanly (grpc-status in the trailers) and then reset it with NO_ERROR, as Kestrel does when the client's request stream is still open (haproxy/haproxy#1219); a CANCEL that comes before the client has read the trailers drops them, so some of these may be the app's clean UNAVAILABLE lost on the way. Run with --lb haproxy-tcp to see the pod's own frames.");
    }

    private static string Probe(LabProbe? probe) => probe is null
        ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"{(probe.Path is null ? "tcpSocket" : "GET " + probe.Path)} every {probe.Period.TotalSeconds:0.#} s");
}
