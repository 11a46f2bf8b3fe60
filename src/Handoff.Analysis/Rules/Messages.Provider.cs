using Handoff.Analysis.Rules.Provider;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules;

/// <summary>The messages of the Provider rules (HO106-HO109, HO405, HO501, HO502).</summary>
public static partial class Messages
{
    private static string HO106(Violation v, Below r)
    {
        var idle = v.Case == "grace-not-below-idle-timeout" ? r.Limit : v.Observed.Of(Measure.IdleTimeout).Value;
        if (v.Case == "grace-not-below-idle-timeout")
        {
            var where = v.Related is [var ingress, ..] ? $"Ingress '{ingress.Name}' load-balancer-attributes" : "the default";
            return $"terminationGracePeriodSeconds is {r.Actual}, not below the ALB idle timeout of {idle} ({where}): a drain longer than the idle timeout ends in 504s from the ALB; keep preStop < grace < idle timeout.";
        }

        return $"The app stops listening {v.Observed.Of(Measure.StopListening).Value} after termination starts (preStop and in-app delay), not before the {v.Observed.Of(Measure.GracePeriod).Value} grace period ends; keep preStop < grace < idle timeout ({idle}).";
    }

    private static string HO107(Violation v)
    {
        var setting = v.Case switch
        {
            "backend-policy" => $"GCPBackendPolicy '{ObjectOf(v).Name}'",
            "backend-config" => $"BackendConfig '{ObjectOf(v).Name}'",
            _ => "no BackendConfig or GCPBackendPolicy",
        };
        return $"Port {v.Evidence} of Service '{v.Related[0].Name}' is load-balanced by GKE with {setting} setting connectionDraining.drainingTimeoutSec: the default is 0 s, so requests still in flight when the NEG endpoint is detached are cut; set it (for example 30 s) and keep preStop >= drainingTimeoutSec + 60 s.";
    }

    private static string HO108(Violation v, AtLeast r)
    {
        var draining = r.Terms.Of(Measure.DrainingTimeout).Value;
        var detach = r.Terms.Of(Measure.NegDetach).Value;
        var from = v.Case == "draining-not-set" ? "not set, so 0 s" : $"{draining} in {v.Related[0].Kind} '{v.Related[0].Name}'";
        return $"Container '{ContainerName(v)}' stops taking requests {v.Observed.Of(Measure.StopListening).Value} after termination starts, but GKE needs drainingTimeoutSec ({from}) + {detach} of NEG removal = {Quantity.Seconds(draining.Value + detach.Value)}: the load balancer can still send requests for {v.Observed.Of(Measure.Exposure).Value}.";
    }

    private static string HO109(Violation v, EqualTo r)
    {
        if (v.Case == "gateway-default")
        {
            return $"Service '{ObjectOf(v).Name}' is a Gateway backend without a HealthCheckPolicy, so GKE's default health check requests '{r.Actual}', but the readiness probe of container '{ContainerName(v)}' is '{r.Required}'; add a HealthCheckPolicy with requestPath '{r.Required}'.";
        }

        var source = ObjectOf(v);
        var workload = WorkloadOf(v);
        return $"{source.Kind} '{source.Name}' health-checks '{r.Actual}' on Service '{v.Related[0].Name}', but the readiness probe of container '{ContainerName(v)}' of {workload.Kind} '{workload.Name}' is '{r.Required}'; use requestPath '{r.Required}'.";
    }

    private static string HO405(Violation v, AtLeast r)
    {
        var stop = r.Terms.Of(Measure.StopListening).Value;
        if (v.Case == "drain-too-short")
        {
            return $"Istio's sidecar drains for terminationDrainDuration {r.Actual} after SIGTERM at t=0 s and exits, but the app stops listening at {stop} and drains for {r.Terms.Of(Measure.Drain).Value}: requests fail from {r.Actual}; set it to at least {r.Required}.";
        }

        return $"Istio injects a sidecar ({v.Evidence}) with no drain configuration: istio-proxy gets SIGTERM at t=0 s and exits after its default {r.Actual} drain, while the app stops listening only at {stop}; set '{HO405IstioSidecarExitsFirst.ProxyConfig}' terminationDrainDuration to at least {r.Required} or EXIT_ON_ZERO_ACTIVE_CONNECTIONS, or use a native sidecar.";
    }

    private static string HO501(Violation v, EqualTo r)
    {
        var (ingress, service) = (v.Related[0], v.Related[1]);
        var which = v.Case switch
        {
            "default-path" => $"Ingress '{ingress.Name}' sets no healthcheck-path for Service '{service.Name}', so the ALB health-checks '/'",
            "on-service" => $"Service '{ObjectOf(v).Name}' sets healthcheck-path '{r.Actual}'",
            _ => $"Ingress '{ObjectOf(v).Name}' sets healthcheck-path '{r.Actual}' for Service '{service.Name}'",
        };
        var workload = WorkloadOf(v);
        return $"{which}, but the readiness probe of container '{ContainerName(v)}' of {workload.Kind} '{workload.Name}' is '{r.Required}'; set '{r.Field.Path}: {r.Required}'.";
    }

    private static string HO502(Violation v, AtLeast r)
    {
        var source = ObjectOf(v);
        var workload = WorkloadOf(v);
        var drain = r.Terms.Of(Measure.Drain);
        return $"{source.Kind} '{source.Name}' sets deregistration_delay.timeout_seconds to {r.Actual}, shorter than the {drain.Label} of {drain.Value} of {workload.Kind} '{workload.Name}': the {v.Evidence} ends deregistration and cuts requests still running; raise it to at least {r.Required}.";
    }
}
