using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using static Handoff.Analysis.Rules.Text;

namespace Handoff.Analysis.Rules;

/// <summary>
/// Every rule's message, rendered from its <see cref="Violation"/> and nothing else: the numbers come from the
/// requirement and the observed terms, the names from the violation's object and container. Names are quoted as 'x',
/// numbers carry units, sentences end with a period.
/// </summary>
public static class Messages
{
    /// <summary>The message of a violation.</summary>
    /// <exception cref="InvalidOperationException">The rule has no renderer here, or the violation lacks a term its message needs (a bug).</exception>
    public static string Render(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return violation.Rule.Id switch
        {
            "HO101" => HO101(violation, (AtLeast)violation.Requirement),
            "HO102" => HO102(violation),
            "HO103" => HO103(violation, (Forbidden)violation.Requirement),
            "HO104" => HO104((AtLeast)violation.Requirement),
            "HO105" => HO105(violation, (Below)violation.Requirement),
            "HO110" => HO110(violation),
            "HO201" => HO201(violation),
            "HO202" => HO202(violation, (EqualTo)violation.Requirement),
            "HO203" => HO203(violation),
            "HO204" => HO204(violation, violation.Requirement),
            "HO205" => HO205(violation),
            "HO206" => HO206(violation),
            "HO301" => $"Container '{ContainerName(violation)}' has no readinessProbe: new pods get traffic before the app listens, and a pod that cannot serve stays in rotation.",
            "HO302" => $"Container '{ContainerName(violation)}' uses {((DiffersFrom)violation.Requirement).Actual} for both liveness and readiness: when readiness fails during shutdown or a dependency outage, the kubelet also restarts the container.",
            "HO303" => $"The {violation.Case} probe of container '{ContainerName(violation)}' requests '/': it cannot tell a shutting-down app from a healthy one and may be slow or redirect.",
            "HO304" => HO304(violation, (AtLeast)violation.Requirement),
            "HO305" => $"Container '{ContainerName(violation)}' has a livenessProbe but no startupProbe: a slow start can be killed by liveness before the app is up.",
            "HO209" => HO209(violation, (EqualTo)violation.Requirement),
            "HO306" => HO306(violation, (Forbidden)violation.Requirement),
            "HO601" => $"Service '{violation.Object.Name}' has targetPort '{((Forbidden)violation.Requirement).Actual}', which no container of {WorkloadOf(violation).Kind} '{WorkloadOf(violation).Name}' declares{(violation.Evidence is { } names ? $" (they declare {names})" : " (they declare no named port)")}: the endpoints of that port list no pod, so its traffic is dropped.",
            "HO602" => $"Service '{violation.Object.Name}' selects {((Forbidden)violation.Requirement).Actual}, but no workload in namespace '{violation.Object.Namespace}' of the input has pods with those labels: its endpoints stay empty unless the pods come from elsewhere.",
            _ => throw new InvalidOperationException($"No message renderer for {violation.Rule.Id}."),
        };
    }

    /// <summary>Why a finding on a container of a serving workload dropped to info: no traffic port leads to it.</summary>
    public static string NotTrafficContainer(string container) =>
        $"(Info: no Service port carrying user traffic targets container '{container}'.)";

    /// <summary>Why a finding on a workload that serves nothing dropped to info, with the model's serving line.</summary>
    public static string NotServing(Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return $"(Info: {workload.Kind} '{workload.Name}' is {workload.Serving.Reason}.)";
    }

    private static string HO209(Violation v, EqualTo r)
    {
        var workload = WorkloadOf(v);
        var surge = r.Defaulted ? "maxSurge 0 (the default)" : $"maxSurge {r.Actual}";
        var local = v.Evidence is { } service
            ? $"; Service '{service}' has 'externalTrafficPolicy: Local', so its load balancer keeps sending to that node until its health check fails"
            : string.Empty;
        return $"DaemonSet '{workload.Name}' updates with {surge}: on each node the old pod stops before the new one is ready, and the node serves nothing in between{local}; set 'maxSurge: 1' and 'maxUnavailable: 0'.";
    }

    private static string HO306(Violation v, Forbidden r)
    {
        var container = ContainerName(v);
        var what = v.Case == "preStop" ? "The httpGet preStop hook" : $"The {v.Case} probe";
        var declared = v.Evidence is { } ports ? $"it declares {ports}" : "it declares no ports";
        var consequence = v.Case switch
        {
            "preStop" => "the hook fails at once (FailedPreStopHook) and SIGTERM follows without its delay",
            "liveness" => "the probe never passes and the kubelet restarts the container again and again",
            "startup" => "the probe never passes and the kubelet restarts the container once failureThreshold is reached",
            _ => "the probe never passes and the pod never becomes ready",
        };
        return $"{what} of container '{container}' targets port '{r.Actual}', which the container does not declare ({declared}): {consequence}.";
    }

    private static string ContainerName(Violation v) => v.Container?.Name ?? throw new InvalidOperationException($"{v.Rule.Id} needs a container.");

    private static Workload WorkloadOf(Violation v) => v.Workload ?? throw new InvalidOperationException($"{v.Rule.Id} needs a workload.");

    private static string HO101(Violation v, AtLeast r) =>
        $"Container '{ContainerName(v)}' gets SIGTERM at t=0 s, but {(v.Evidence is { } given ? $"your propagation ({given})" : $"the {v.Profile} profile")} keeps sending it new requests for up to {r.Terms.Of(Measure.Propagation).Value}; add a preStop sleep of at least {r.Terms.Of(Measure.Propagation).Value}.";

    private static string HO102(Violation v)
    {
        var container = ContainerName(v);
        if (v.Case == "unknown-duration")
        {
            return $"The preStop hook of container '{container}' ({v.Container!.PreStop?.Describe()}) has no duration Handoff can read; declare it with the '{v.Requirement.Field.Path}' annotation so the budget can be checked against the {v.Observed.Of(Measure.Propagation).Value} the {v.Profile} profile needs.";
        }

        var r = (AtLeast)v.Requirement;
        var propagation = r.Terms.Of(Measure.Propagation);
        if (v.Case == "given-propagation")
        {
            return $"Container '{container}' stops taking requests {v.Observed.Of(Measure.StopListening).Value} after termination starts, but your propagation ({v.Evidence}) keeps traffic coming for up to {propagation.Value}: requests will fail for {v.Observed.Of(Measure.Exposure).Value}.";
        }

        return $"Container '{container}' stops taking requests {v.Observed.Of(Measure.StopListening).Value} after termination starts, but {propagation.Label} ({v.Profile} profile) keeps sending for up to {propagation.Value}: requests can fail for {v.Observed.Of(Measure.Exposure).Value}.";
    }

    private static string HO103(Violation v, Forbidden r)
    {
        var container = v.Container ?? throw new InvalidOperationException("HO103 needs a container.");
        var replacement = r.Replacement is { } sleep ? $"'sleep: {{seconds: {Number(sleep.Value.Value)}}}'" : "the native 'sleep' action";
        return v.Case switch
        {
            "needs-shell" =>
                $"The preStop hook of container '{container.Name}' runs '{r.Actual}', which needs a shell in the image; on Kubernetes {v.Version} use {replacement}, which needs nothing in the image.",
            "shell-less-image-real-work" =>
                $"The preStop hook of container '{container.Name}' runs '{r.Actual}' through '{container.PreStop!.Command[0]}', but image '{container.Image}' is {v.Evidence} and has no shell: the hook fails (FailedPreStopHook) and its work never runs; call the program directly in 'exec.command' or use an image that has a shell.",
            _ => $"The preStop hook of container '{container.Name}' runs '{container.PreStop!.Command[0]}', but image '{container.Image}' is {v.Evidence} and has no shell: the hook fails (FailedPreStopHook) and SIGTERM comes at once; "
                + (v.Case == "shell-less-image"
                    ? $"use {replacement} instead."
                    : $"Kubernetes {v.Version} has no sleep action on by default, so keep the delay in the app (Handoff.AspNetCore)."),
        };
    }

    private static string HO104(AtLeast r)
    {
        var written = r.Defaulted ? " (the default)" : string.Empty;
        return $"terminationGracePeriodSeconds is {r.Actual}{written}, but {SumOf(r)} need {r.Required}; SIGKILL can cut in-flight requests.";
    }

    /// <summary>"preStop and delay 10 s + default drain 20 s + buffer 10 s".</summary>
    private static string SumOf(AtLeast r) => string.Join(" + ", r.Terms.Select(t => $"{t.Label ?? t.Measure.ToString()} {t.Value}"));

    private static string HO105(Violation v, Below r)
    {
        var consequence = v.Case == "rejected"
            ? "the API server rejects a sleep action longer than the grace period"
            : $"the kubelet sends SIGTERM at {r.Limit} and SIGKILL {Seconds(TimeBudget.KubeletExtensionSeconds)} later, leaving no time to drain";
        return $"The preStop hook of container '{ContainerName(v)}' takes {r.Actual}, not less than the {r.Limit} grace period: {consequence}.";
    }

    private static string HO110(Violation v) =>
        $"The app declares {v.Observed.Of(Measure.Drain).Value} of drain ('{HandoffAnnotations.DrainSeconds}'), but only {v.Observed.Of(Measure.DrainWindow).Value} remain between stop-listening at {v.Observed.Of(Measure.StopListening).Value} and SIGKILL at {v.Observed.Of(Measure.SigkillAt).Value}.";

    private static string HO201(Violation v) =>
        $"Deployment '{WorkloadOf(v).Name}' uses the Recreate strategy: all {Number(v.Observed.Of(Measure.Replicas).Value.Value)} pods stop before new ones start, so every rollout drops all traffic.";

    private static string HO202(Violation v, EqualTo r)
    {
        var how = r.Defaulted ? $"the default {r.Actual}" : $"'{r.Actual}'";
        var rounding = r.Actual?.EndsWith('%') == true ? " (rounded down)" : string.Empty;
        return $"maxUnavailable is {how}, which is {Number(r.Resolved!.Value.Value)} of {Number(v.Observed.Of(Measure.Replicas).Value.Value)} replicas{rounding}: the rollout removes ready pods before their replacements are ready.";
    }

    private static string HO203(Violation v)
    {
        var workload = WorkloadOf(v);
        return $"{workload.Kind} '{workload.Name}' has minReadySeconds 0: each new pod counts as available at its first passing readiness probe, before the load balancers send it traffic.";
    }

    private static string HO204(Violation v, Requirement r)
    {
        var workload = WorkloadOf(v);
        if (r is not AtLeast replicas)
        {
            return $"Pod '{workload.Name}' serves traffic as a bare Pod: it is a single replica with no controller to replace it; run it from a Deployment with 2 or more replicas.";
        }

        var how = replicas.Defaulted ? " (replicas not set: Kubernetes uses 1)" : string.Empty;
        return $"{workload.Kind} '{workload.Name}' runs {Number(replicas.Actual.Value)} replica{how}: a node drain or eviction leaves nothing to serve.";
    }

    private static string HO205(Violation v)
    {
        var workload = WorkloadOf(v);
        return $"No PodDisruptionBudget in namespace '{v.Object.Namespace}' selects the pods of {workload.Kind} '{workload.Name}': a node drain may evict all {Number(v.Observed.Of(Measure.Replicas).Value.Value)} at once.";
    }

    private static string HO304(Violation v, AtLeast r)
    {
        string Trip(string probe, Quantity trips) =>
            $"{probe} trips after {v.Observed.Of(Measure.ProbePeriod, probe).Value} x {v.Observed.Of(Measure.ProbeFailureThreshold, probe).Value} = {trips}";
        return $"Container '{ContainerName(v)}': {Trip("liveness", r.Actual)}, readiness after {v.Observed.Of(Measure.ProbePeriod, "readiness").Value} x {v.Observed.Of(Measure.ProbeFailureThreshold, "readiness").Value} = {r.Required}; the kubelet restarts the container while it still gets traffic.";
    }

    private static string HO206(Violation v)
    {
        var workload = WorkloadOf(v);
        return v.Requirement is Below { } min
            ? $"PodDisruptionBudget '{v.Object.Name}' keeps minAvailable {v.Evidence} of {Number(min.Limit.Value)} replicas of {workload.Kind} '{workload.Name}' available: no pod may ever be evicted, so node drains hang."
            : $"PodDisruptionBudget '{v.Object.Name}' sets maxUnavailable {v.Evidence} for {workload.Kind} '{workload.Name}': no pod may ever be evicted, so node drains hang.";
    }
}
