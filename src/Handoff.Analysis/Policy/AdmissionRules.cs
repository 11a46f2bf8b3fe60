using Handoff.Analysis.Model;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Rules.Probes;
using Handoff.Analysis.Rules.Rollout;
using Handoff.Analysis.Rules.Timing;

namespace Handoff.Analysis.Policy;

/// <summary>One rule as an admission validation: a CEL condition that is true when the object passes, and what check would say.</summary>
/// <param name="Descriptor">The rule (its id, name, severity and summary are check's).</param>
/// <param name="Passes">True when the object does not violate the rule (the ignore annotation is added by <see cref="Expression"/>).</param>
/// <param name="Message">A CEL string expression saying what check says: object, containers, numbers.</param>
public sealed record AdmissionRule(RuleDescriptor Descriptor, string Passes, string Message)
{
    /// <summary>
    /// The severity check gives this case of the rule (HO102's unknown duration is info, a measured propagation makes
    /// it an error; HO103 is an error on shell-less images, info elsewhere): it decides the policy, and so the action.
    /// </summary>
    public Severity Severity { get; init; } = Descriptor.Severity;

    /// <summary>The validation's expression: ignored on the object or its pod template, or passing.</summary>
    public string Expression => $"{AdmissionCel.Ignored(Descriptor.Id, Descriptor.Name)} || ({Passes})";

    /// <summary>The validation's reason: a StatusReason the API accepts there (Unauthorized, Forbidden, Invalid, RequestEntityTooLarge); the object is invalid for the rule.</summary>
    public static string Reason => "Invalid";
}

/// <summary>A rule the policy does not carry, and why.</summary>
/// <param name="Id">The rule id.</param>
/// <param name="Reason">Why check must judge it.</param>
public sealed record CheckOnlyRule(string Id, string Reason);

/// <summary>The rules the admission policy carries, and those left to check with the reason.</summary>
public static class AdmissionRules
{
    private const string Serving = "size(variables.serving) > 0";
    private const string IsDeployment = "object.kind == 'Deployment'";
    private const string HasPreStop = "has(c.lifecycle) && has(c.lifecycle.preStop)";

    // HO102's cases as check's budget reads them: the traffic container has a hook or the app an in-app delay.
    private const string NoHookNoDelay = "variables.trafficPreStop == -1.0 && variables.delay == 0.0";
    private const string UnknownNoDelay = "variables.trafficPreStop == -2.0 && variables.delay == 0.0";
    private const string Exposed = $"{Serving} && !({NoHookNoDelay}) && !({UnknownNoDelay}) && variables.propagation - variables.stopListening > 0.0";

    // Before the rules: static initialisers run in text order.
    private static readonly string[] ProbeFields = ["readinessProbe", "livenessProbe", "startupProbe"];

    private static readonly Dictionary<string, string> CheckOnlyReasons = new(StringComparer.Ordinal)
    {
        ["HO106"] = "needs the Service or Ingress and the load balancer's idle timeout.",
        ["HO107"] = "needs the BackendConfig or GCPBackendPolicy of the Service.",
        ["HO108"] = "needs the NEG's draining timeout from the Service's BackendConfig.",
        ["HO109"] = "needs the HealthCheckPolicy or BackendConfig of the Service.",
        ["HO111"] = "reads the long-lived signs of the Service, Ingress, GRPCRoute or BackendConfig (appProtocol, raised proxy and LB timeouts).",
        ["HO205"] = "needs the PodDisruptionBudgets of the namespace.",
        ["HO206"] = "needs the PodDisruptionBudgets of the namespace.",
        ["HO207"] = "needs the HorizontalPodAutoscaler or ScaledObject.",
        ["HO208"] = "judges the PodDisruptionBudget against its workload.",
        ["HO401"] = "reads the Dockerfile, which an admission request does not carry.",
        ["HO402"] = "reads the Dockerfile, which an admission request does not carry.",
        ["HO403"] = "reads the Dockerfile and its entrypoint script.",
        ["HO404"] = "reads the nginx image's Dockerfile or configuration.",
        ["HO405"] = "needs the mesh's injection (the sidecar is added after admission of the workload).",
        ["HO501"] = "needs the load balancer's health check (Ingress, BackendConfig, annotations on the Service).",
        ["HO502"] = "needs the AWS target group attributes on the Ingress or Service.",
    };

    /// <summary>The rules the policy validates, in catalogue order.</summary>
    public static IReadOnlyList<AdmissionRule> All { get; } = Build();

    /// <summary>Every other rule of the catalogue with the reason it stays in check.</summary>
    public static IReadOnlyList<CheckOnlyRule> CheckOnly { get; } = RuleCatalog.All
        .Select(r => r.Descriptor.Id)
        .Where(id => All.All(a => a.Descriptor.Id != id))
        .Select(id => new CheckOnlyRule(id, CheckOnlyReasons.TryGetValue(id, out var reason) ? reason : "not generated yet; check judges it."))
        .ToList();

    private static List<AdmissionRule> Build()
    {
        var preStop = AdmissionCel.PreStopSeconds("c");
        var ho110Fires = $"{Serving} && variables.drainDeclared && variables.drain > variables.drainWindow";
        return
        [
            new(HO101PreStopMissing.Rule,
                $"variables.delay > 0.0 || variables.serving.all(c, {HasPreStop})",
                Say("HO101", $"\"container \" + {Names($"variables.serving.filter(c, !({HasPreStop}))")} + \" has no preStop hook and no in-app delay, so SIGTERM arrives while the data planes of profile '\" + params.data.profile + \"' still send requests for up to \" + params.data.{PolicyParameters.PropagationKey} + \" s; add 'lifecycle.preStop.sleep.seconds' of at least \" + params.data.{PolicyParameters.PropagationKey} + \" s\"")),
            new(HO102PreStopShorterThanPropagation.Rule,
                $"!({Serving} && {UnknownNoDelay})",
                Say("HO102", $"\"the preStop hook of container '\" + variables.serving[0].name + \"' has no duration the policy can read; declare it with the '{HandoffAnnotations.PreStopSeconds}' annotation so it can be checked against the \" + params.data.{PolicyParameters.PropagationKey} + \" s propagation\""))
            {
                Severity = Severity.Info,
            },

            // One validation per severity check can give S < P; the parameter object says which applies (an admin who
            // measures the propagation sets propagationMeasured to "true" with the number). NEG profiles leave it to HO108.
            new(HO102PreStopShorterThanPropagation.Rule,
                $"params.data.{PolicyParameters.PropagationMeasuredKey} == 'true' || params.data.{PolicyParameters.NegDrainingFormulaKey} == 'true' || !({Exposed})",
                Say("HO102", Ho102Exposure("profile '\" + params.data.profile + \"'"))),
            new(HO102PreStopShorterThanPropagation.Rule,
                $"params.data.{PolicyParameters.PropagationMeasuredKey} != 'true' || params.data.{PolicyParameters.NegDrainingFormulaKey} == 'true' || !({Exposed})",
                Say("HO102", Ho102Exposure("your measured propagation")))
            {
                Severity = Severity.Error,
            },

            // On a shell-less image the hook fails whatever it runs; elsewhere a hook that only sleeps is the sleep action's job.
            new(HO103PreStopExecNeedsShell.Rule,
                $"variables.containers.all(c, !({ExecNeedsShell("c")} && {ShellLessFamily("c")} != ''))",
                Say("HO103", $"variables.containers.filter(c, {ExecNeedsShell("c")} && {ShellLessFamily("c")} != '').map(c, \"the preStop hook of container '\" + c.name + \"' runs '\" + c.lifecycle.preStop.exec.command[0] + \"', but image '\" + c.image + \"' is \" + {ShellLessFamily("c")} + \" and has no shell\").join('; ') + \": the hook fails (FailedPreStopHook) and SIGTERM comes at once; use 'lifecycle.preStop.sleep.seconds' instead\""))
            {
                Severity = Severity.Error,
            },
            new(HO103PreStopExecNeedsShell.Rule,
                $"variables.containers.all(c, !({ExecNeedsShell("c")} && {ShellLessFamily("c")} == '' && {ExecIsExact("c")}))",
                Say("HO103", $"\"the preStop hook of container \" + {Names($"variables.containers.filter(c, {ExecNeedsShell("c")} && {ShellLessFamily("c")} == '' && {ExecIsExact("c")})")} + \" runs a shell or sleep binary the image must have; 'lifecycle.preStop.sleep.seconds' needs nothing in the image\""))
            {
                Severity = Severity.Info,
            },
            new(HO104GracePeriodTooShort.Rule,
                $"!({Serving}) || variables.grace >= variables.requiredGrace || ({ho110Fires})",
                Say("HO104", "\"terminationGracePeriodSeconds is \" + string(variables.grace) + \" s but needs S + D + B = \" + string(variables.requiredGrace) + \" s (preStop and delay \" + string(variables.stopListening) + \" s, drain \" + string(variables.drain) + \" s, buffer \" + string(variables.buffer) + \" s)\"")),
            new(HO105PreStopSleepNotBelowGrace.Rule,
                $"variables.containers.all(c, {preStop} < 0.0 || {preStop} < variables.grace)",
                Say("HO105", $"\"the preStop of \" + variables.containers.filter(c, {preStop} >= variables.grace).map(c, \"container '\" + c.name + \"' runs \" + string({preStop}) + \" s\").join(', ') + \", not less than terminationGracePeriodSeconds \" + string(variables.grace) + \" s\"")),
            new(HO110AppDrainExceedsBudget.Rule,
                $"!({ho110Fires})",
                Say("HO110", "\"the declared drain \" + string(variables.drain) + \" s does not fit in the \" + string(variables.drainWindow) + \" s between stop-listening (\" + string(variables.stopListening) + \" s) and SIGKILL (\" + string(variables.sigkillAt) + \" s); raise terminationGracePeriodSeconds to at least \" + string(variables.requiredGrace) + \" s\"")),
            new(HO201RecreateStrategy.Rule,
                $"!({IsDeployment} && {Serving} && has(object.spec.strategy) && has(object.spec.strategy.type) && object.spec.strategy.type == 'Recreate')",
                Say("HO201", "\"spec.strategy.type is 'Recreate': every one of the \" + string(variables.replicas) + \" pods stops before a new one starts; use 'RollingUpdate' with maxUnavailable 0\"")),
            new(HO202MaxUnavailableNotZero.Rule,
                $"!({IsDeployment} && {Serving} && variables.strategyType == 'RollingUpdate' && variables.effectiveMaxUnavailable > 0)",
                Say("HO202", "\"maxUnavailable '\" + string(variables.maxUnavailableWritten) + \"' resolves to \" + string(variables.effectiveMaxUnavailable) + \" pod(s) of \" + string(variables.replicas) + \" replicas, so the rollout lowers ready capacity before new pods are ready; set maxUnavailable 0 and maxSurge 1\"")),
            new(HO203MinReadySecondsMissing.Rule,
                $"!({Serving} && (!has(object.spec.minReadySeconds) || object.spec.minReadySeconds <= 0))",
                Say("HO203", $"\"spec.minReadySeconds is \" + string(has(object.spec.minReadySeconds) ? object.spec.minReadySeconds : 0) + \" s, so each new pod counts as available before the load balancers send it traffic; set it to {HO203MinReadySecondsMissing.RecommendedSeconds} s\"")),

            // Admission sees spec.replicas only: an HPA's minReplicas is another object (docs/policy.md).
            new(HO204SingleReplica.Rule,
                $"!({Serving} && object.kind != 'DaemonSet' && variables.replicas < 2)",
                Say("HO204", "\"runs \" + string(variables.replicas) + \" replica, so a node drain or eviction leaves nothing to serve; run at least 2\"")),
            new(HO301ReadinessProbeMissing.Rule,
                "variables.serving.all(c, has(c.readinessProbe))",
                Say("HO301", $"\"container \" + {Names("variables.serving.filter(c, !has(c.readinessProbe))")} + \" has no readinessProbe\"")),
            new(HO302LivenessSameAsReadiness.Rule,
                $"variables.serving.all(c, !({SameProbeHandler}))",
                Say("HO302", $"\"the livenessProbe of container \" + {Names($"variables.serving.filter(c, {SameProbeHandler})")} + \" uses the same handler as its readinessProbe\"")),
            new(HO303ProbeOnRootPath.Rule,
                $"variables.serving.all(c, !({RootPathProbe}))",
                Say("HO303", $"\"an httpGet probe of container \" + {Names($"variables.serving.filter(c, {RootPathProbe})")} + \" targets '/'\"")),
            new(HO304LivenessFasterThanReadiness.Rule,
                $"variables.serving.all(c, !({LivenessFaster}))",
                Say("HO304", $"\"the livenessProbe of container \" + variables.serving.filter(c, {LivenessFaster}).map(c, \"'\" + c.name + \"' trips after \" + string({Trip("c.livenessProbe")}) + \" s, before its readinessProbe (\" + string({Trip("c.readinessProbe")}) + \" s)\").join(', ')")),
            new(HO305StartupProbeMissing.Rule,
                "variables.serving.all(c, !has(c.livenessProbe) || has(c.startupProbe))",
                Say("HO305", $"\"container \" + {Names("variables.serving.filter(c, has(c.livenessProbe) && !has(c.startupProbe))")} + \" has a livenessProbe but no startupProbe\"")),
        ];
    }

    /// <summary>The Deployment-only variables HO201 and HO202 read (evaluated only when a validation asks for them).</summary>
    public static IReadOnlyList<(string Name, string Expression)> RolloutVariables { get; } =
    [
        ("replicas", "has(object.spec.replicas) && object.spec.replicas > 1 ? object.spec.replicas : 1"),
        ("strategyType", "has(object.spec.strategy) && has(object.spec.strategy.type) ? object.spec.strategy.type : 'RollingUpdate'"),
        ("maxSurgeWritten", Written("maxSurge")),
        ("maxUnavailableWritten", Written("maxUnavailable")),
        ("maxSurgePods", Resolve("variables.maxSurgeWritten", roundUp: true)),
        ("maxUnavailablePods", Resolve("variables.maxUnavailableWritten", roundUp: false)),

        // RollingUpdateFenceposts.FromPods: a value that is neither a number nor a percentage resolves to nothing (0);
        // both 0 after rounding makes maxUnavailable 1.
        ("effectiveMaxUnavailable", "variables.maxSurgePods < 0 || variables.maxUnavailablePods < 0 ? 0 : ((variables.maxSurgePods > 0 ? variables.maxSurgePods : 0) == 0 && (variables.maxUnavailablePods > 0 ? variables.maxUnavailablePods : 0) == 0 ? 1 : (variables.maxUnavailablePods > 0 ? variables.maxUnavailablePods : 0))"),
    ];

    private static string Ho102Exposure(string whose) =>
        $"\"container '\" + variables.serving[0].name + \"' stops taking requests \" + string(variables.stopListening) + \" s after termination starts, but endpoints propagate for up to \" + string(variables.propagation) + \" s ({whose}): requests can fail for \" + string(variables.propagation - variables.stopListening) + \" s; raise the preStop sleep to at least \" + string(variables.propagation - variables.delay) + \" s\"";

    private static string ExecNeedsShell(string c) => AdmissionCel.ExecNeedsShell(c);

    private static string ExecIsExact(string c) => AdmissionCel.ExecIsExact(c);

    private static string ShellLessFamily(string c) => AdmissionCel.ShellLessFamily(c);

    private static string SameProbeHandler => "has(c.livenessProbe) && has(c.readinessProbe) && ("
        + "(has(c.livenessProbe.httpGet) && has(c.readinessProbe.httpGet) && (has(c.livenessProbe.httpGet.path) ? c.livenessProbe.httpGet.path : '/') == (has(c.readinessProbe.httpGet.path) ? c.readinessProbe.httpGet.path : '/') && string(c.livenessProbe.httpGet.port) == string(c.readinessProbe.httpGet.port))"
        + " || (has(c.livenessProbe.tcpSocket) && has(c.readinessProbe.tcpSocket) && string(c.livenessProbe.tcpSocket.port) == string(c.readinessProbe.tcpSocket.port))"
        + " || (has(c.livenessProbe.grpc) && has(c.readinessProbe.grpc) && string(c.livenessProbe.grpc.port) == string(c.readinessProbe.grpc.port))"
        + " || (has(c.livenessProbe.exec) && has(c.readinessProbe.exec) && (has(c.livenessProbe.exec.command) ? c.livenessProbe.exec.command : []) == (has(c.readinessProbe.exec.command) ? c.readinessProbe.exec.command : [])))";

    private static string RootPathProbe => string.Join(" || ", ProbeFields
        .Select(p => $"(has(c.{p}) && has(c.{p}.httpGet) && (!has(c.{p}.httpGet.path) || c.{p}.httpGet.path in ['', '/']))"));

    private static string LivenessFaster => $"has(c.livenessProbe) && has(c.readinessProbe) && {Trip("c.livenessProbe")} < {Trip("c.readinessProbe")}";

    // Probe.SecondsToTrip with the kubelet's defaults.
    private static string Trip(string probe) =>
        $"(has({probe}.periodSeconds) ? {probe}.periodSeconds : {Probe.DefaultPeriodSeconds}) * (has({probe}.failureThreshold) ? {probe}.failureThreshold : {Probe.DefaultFailureThreshold})";

    private static string Names(string containers) => $"{containers}.map(c, \"'\" + c.name + \"'\").join(', ')";

    // Every message starts like check's finding: the object, then the sentence, then the rule id.
    private static string Say(string id, string sentence) => $"variables.ref + \": \" + {sentence} + \" ({id}).\"";

    private static string Written(string field) =>
        $"has(object.spec.strategy) && has(object.spec.strategy.rollingUpdate) && has(object.spec.strategy.rollingUpdate.{field}) ? object.spec.strategy.rollingUpdate.{field} : '{Kubernetes.RollingUpdateFenceposts.DefaultValue}'";

    // IntOrString.Resolve: an int as is; 'N%' of the replicas, maxSurge rounded up and maxUnavailable down; -1 when neither.
    private static string Resolve(string value, bool roundUp) =>
        $"type({value}) == int ? {value} : (string({value}).matches('^[0-9]+%$') ? (variables.replicas * int(string({value}).split('%')[0]){(roundUp ? " + 99" : string.Empty)}) / 100 : -1)";
}
