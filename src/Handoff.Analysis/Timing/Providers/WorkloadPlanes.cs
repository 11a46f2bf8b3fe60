using System.Globalization;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Timing.Providers;

/// <summary>Google's NEG formula for one workload: S &gt;= drainingTimeoutSec + detach time.</summary>
/// <param name="DrainingTimeout">The largest drainingTimeoutSec among the workload's GKE backends, with where it is written; null when none sets it (0 s).</param>
/// <param name="DetachSeconds">The profile's NEG detach time.</param>
public sealed record NegFormulaResult(Located<int>? DrainingTimeout, double DetachSeconds)
{
    /// <summary>drainingTimeoutSec in force (0 when not set).</summary>
    public double DrainingSeconds => DrainingTimeout?.Value ?? 0;

    /// <summary>The least S the formula allows.</summary>
    public double RequiredSeconds => DrainingSeconds + DetachSeconds;
}

/// <summary>The idle timeout that the grace period must stay below.</summary>
/// <param name="IdleTimeout">The smallest idle timeout set on the workload's load balancers, or null when none is set.</param>
/// <param name="Seconds">The idle timeout in force (the profile's default when <paramref name="IdleTimeout"/> is null).</param>
public sealed record IdleTimeoutResult(Located<int>? IdleTimeout, double Seconds);

/// <summary>A deregistration delay set on a target group in front of the workload.</summary>
/// <param name="Delay">The delay and where it is written.</param>
/// <param name="LoadBalancer">"ALB" or "NLB".</param>
public sealed record DeregistrationDelayResult(Located<int> Delay, string LoadBalancer);

/// <summary>How long one Service of type LoadBalancer keeps sending after its target should leave.</summary>
/// <param name="Service">The Service and its provider.</param>
/// <param name="IntervalSeconds">The health-check interval in force.</param>
/// <param name="UnhealthyThreshold">The unhealthy threshold in force.</param>
public sealed record HealthCheckResult(LoadBalancerService Service, double IntervalSeconds, int UnhealthyThreshold)
{
    /// <summary>
    /// The health check's detection time when it decides: between (threshold - 1) and threshold intervals after the
    /// target starts failing (the first failing check can come at once or a full interval later); null when
    /// kube-proxy decides instead.
    /// </summary>
    public Latency? Latency => Service.HealthCheckDecides
        ? new Latency((UnhealthyThreshold - 1) * IntervalSeconds, UnhealthyThreshold * IntervalSeconds)
        : null;

    /// <summary>Where the numbers come from, as printed on the plane.</summary>
    public string Describe()
    {
        var svc = Service.Service.Object;
        var name = $"Service '{svc.Namespace}/{svc.Name}'";
        if (!Service.HealthCheckDecides)
        {
            return $"{name}: node targets with externalTrafficPolicy Cluster stay healthy and kube-proxy forwards, so kube-proxy's plane decides";
        }

        var why = Service.IpTargets ? "IP targets (the pod is the target)" : "externalTrafficPolicy Local (health check on the health-check node port"
            + (Service.HealthCheckNodePort is { } port ? string.Create(CultureInfo.InvariantCulture, $" {port.Value})") : ")");
        var interval = Service.Interval is null ? "default" : "set";
        var threshold = Service.UnhealthyThreshold is null ? "default" : "set";
        return string.Create(CultureInfo.InvariantCulture,
            $"{name}: {why}; health check every {IntervalSeconds:0.###} s ({interval}) x {UnhealthyThreshold} failures ({threshold})");
    }
}

/// <summary>The relations of a workload's profile, computed once from the profile's data and the linked objects.</summary>
/// <param name="Neg">The NEG formula when the profile declares it and the workload has GKE backends.</param>
/// <param name="IdleTimeout">The idle timeout chain when the profile declares it.</param>
/// <param name="DeregistrationDelays">Deregistration delays set on target groups, when the profile declares that relation.</param>
/// <param name="HealthChecks">The LoadBalancer Services' health checks, when the profile declares that relation.</param>
public sealed record RelationResults(
    NegFormulaResult? Neg,
    IdleTimeoutResult? IdleTimeout,
    IReadOnlyList<DeregistrationDelayResult> DeregistrationDelays,
    IReadOnlyList<HealthCheckResult> HealthChecks)
{
    /// <summary>No relations.</summary>
    public static RelationResults None { get; } = new(null, null, [], []);
}

/// <summary>The planes in force for one workload and the relations behind them.</summary>
/// <param name="Planes">The profile's planes, with those a relation computes replaced by the workload's numbers.</param>
/// <param name="Relations">The relations' results.</param>
public sealed record WorkloadPlanes(IReadOnlyList<DataPlane> Planes, RelationResults Relations)
{
    /// <summary>Computes the planes and relations of <paramref name="profile"/> for <paramref name="workload"/>.</summary>
    public static WorkloadPlanes Resolve(Profile profile, Workload workload, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(model);
        var planes = profile.Planes.ToList();

        // kube-proxy programs no rules for a headless Service: when every Service of the workload is headless (an
        // Ingress controller routing to its endpoints, say), kube-proxy's plane is not one of its planes (issue 13.1).
        if (workload.Services.Count > 0 && workload.Services.All(s => s.IsHeadless) && planes.Exists(p => p.Kind != PlaneKind.KubeProxy))
        {
            planes.RemoveAll(p => p.Kind == PlaneKind.KubeProxy);
        }

        NegFormulaResult? neg = null;
        if (profile.Relation<NegDrainingFormula>() is { } formula)
        {
            var backends = GkeBackends.Of(workload, model);
            var index = planes.FindIndex(p => p.Name == formula.Plane);
            if (backends.Count == 0)
            {
                // No GKE backend is linked: nothing can detach from a NEG, so the plane does not apply.
                if (index >= 0)
                {
                    planes.RemoveAt(index);
                }
            }
            else
            {
                neg = new NegFormulaResult(backends.Select(b => b.DrainingTimeout).MaxBy(d => d?.Value ?? 0), formula.DetachSeconds);
                if (index >= 0)
                {
                    planes[index] = planes[index] with
                    {
                        Latency = Latency.Exactly(neg.RequiredSeconds),
                        Source = string.Create(CultureInfo.InvariantCulture, $"seed 000: NEG removal up to {formula.DetachSeconds:0.###} s + drainingTimeoutSec {neg.DrainingSeconds:0.###} s"),
                    };
                }
            }
        }

        IdleTimeoutResult? idle = null;
        if (profile.Relation<GraceBelowIdleTimeout>() is { } chain)
        {
            var albs = AlbSettings.Of(workload, model).Where(a => a.Flavor == AlbFlavor.Aws).ToList();
            // The smallest timeout in force wins, an unset (default) one included.
            var smallest = albs.Select(a => a.IdleTimeout).MinBy(t => t.Node is null ? chain.DefaultIdleTimeoutSeconds : t.Value);
            idle = smallest?.Node is null ? new IdleTimeoutResult(null, chain.DefaultIdleTimeoutSeconds) : new IdleTimeoutResult(smallest, smallest.Value);
        }

        var delays = new List<DeregistrationDelayResult>();
        if (profile.Declares<DeregistrationDelayCoversDrain>())
        {
            delays.AddRange(AlbSettings.Of(workload, model).Where(a => a.Flavor == AlbFlavor.Aws).Select(a => new DeregistrationDelayResult(a.DeregistrationDelay, "ALB")));
            delays.AddRange(LoadBalancerService.Of(workload).Where(s => s.DeregistrationDelay is not null).Select(s => new DeregistrationDelayResult(s.DeregistrationDelay!, "NLB")));
        }

        var checks = new List<HealthCheckResult>();
        if (profile.Relation<HealthCheckDeregistration>() is { } health)
        {
            foreach (var service in LoadBalancerService.Of(workload))
            {
                var interval = service.Interval?.Value ?? (service.InTreeNlb ? LoadBalancerService.InTreeNlbIntervalSeconds : health.IntervalSeconds);
                checks.Add(new HealthCheckResult(service, interval, service.UnhealthyThreshold?.Value ?? health.UnhealthyThreshold));
            }

            var index = planes.FindIndex(p => p.Name == health.Plane);
            if (index >= 0 && checks.Count > 0)
            {
                // The slowest Service decides; one where kube-proxy decides adds nothing beyond kube-proxy's plane.
                var slowest = checks.MaxBy(c => c.Latency?.MaxSeconds ?? 0)!;
                planes[index] = planes[index] with { Latency = slowest.Latency ?? Latency.Exactly(0), Source = slowest.Describe() };
            }
        }

        return new WorkloadPlanes(planes, new RelationResults(neg, idle, delays, checks));
    }
}
