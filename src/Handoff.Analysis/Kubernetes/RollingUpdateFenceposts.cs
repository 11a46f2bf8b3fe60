using Handoff.Analysis.Model;

namespace Handoff.Analysis.Kubernetes;

/// <summary>maxSurge and maxUnavailable in pods, resolved the way the Deployment controller resolves them.</summary>
/// <param name="MaxSurge">Pods the rollout may run above spec.replicas (percentages round up).</param>
/// <param name="MaxUnavailable">Pods below spec.replicas the rollout may leave unavailable (percentages round down; 1 when both resolve to 0).</param>
public sealed record RollingUpdateFenceposts(int MaxSurge, int MaxUnavailable)
{
    /// <summary>The API server's default for an absent maxSurge or maxUnavailable (SetDefaults_Deployment).</summary>
    public static IntOrString DefaultValue { get; } = new(null, "25%");

    /// <summary>Resolves both fenceposts in one step, as ResolveFenceposts in pkg/controller/deployment/util/deployment_util.go does.</summary>
    /// <param name="maxSurge">strategy.rollingUpdate.maxSurge, or null for the default 25%.</param>
    /// <param name="maxUnavailable">strategy.rollingUpdate.maxUnavailable, or null for the default 25%.</param>
    /// <param name="replicas">spec.replicas.</param>
    /// <returns>The fenceposts, or null when a value is neither a whole number nor a percentage.</returns>
    /// <remarks>
    /// maxSurge rounds up and maxUnavailable rounds down (intstr.GetScaledValueFromIntOrPercent). Validation forbids
    /// writing 0 for both, but rounding can still make both 0 (maxSurge 0 and maxUnavailable 25% on 3 replicas);
    /// the controller then uses maxUnavailable 1 "on the theory that surge might not work due to quota", so such a
    /// rollout takes a ready pod away first.
    /// </remarks>
    public static RollingUpdateFenceposts? Resolve(IntOrString? maxSurge, IntOrString? maxUnavailable, int replicas)
    {
        var surge = (maxSurge ?? DefaultValue).Resolve(replicas, roundUp: true);
        var unavailable = (maxUnavailable ?? DefaultValue).Resolve(replicas, roundUp: false);
        if (surge is not { } s || unavailable is not { } u)
        {
            return null;
        }

        return FromPods(s, u);
    }

    /// <summary>Fenceposts from values already in pods, with the controller's rule for both 0 (maxUnavailable becomes 1).</summary>
    /// <param name="maxSurge">maxSurge in pods (below 0 counts as 0).</param>
    /// <param name="maxUnavailable">maxUnavailable in pods (below 0 counts as 0).</param>
    public static RollingUpdateFenceposts FromPods(int maxSurge, int maxUnavailable)
    {
        var surge = Math.Max(0, maxSurge);
        var unavailable = Math.Max(0, maxUnavailable);
        return surge == 0 && unavailable == 0 ? new RollingUpdateFenceposts(0, 1) : new RollingUpdateFenceposts(surge, unavailable);
    }
}
