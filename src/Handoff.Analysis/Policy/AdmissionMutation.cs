using Handoff.Analysis.Fixes.Patches;
using Handoff.Analysis.Rules.Timing;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Policy;

/// <summary>
/// The MutatingAdmissionPolicy of 'handoff policy --mutate': what 'fix' does to a single object where it is safe, done
/// by the API server at admission. Two mutations, in order (the API server runs a policy's mutations in order, each
/// on the object the previous one left, with the variables evaluated afresh on it):
/// <list type="number">
/// <item>the native preStop <c>sleep</c> sized to P (as AddPreStopFixer sizes it) on every serving container that has no
/// preStop hook, where HO101 would fail and is not ignored and the app declares no in-app delay;</item>
/// <item>terminationGracePeriodSeconds raised to S + D + B (GraceRequirement's sum, rounded up as GracePeriodFixer
/// writes it) where HO104, HO105 or HO110 would fail on that object, and only upwards.</item>
/// </list>
/// A preStop the user wrote is never touched (the fixes that rewrite one, HO102's length and HO103's sleep action,
/// stay with 'fix'), nor anything else of the object. Both mutations are server-side-apply configurations
/// (<c>Object{...}</c>), merged by container name, so they are idempotent and may be reinvoked.
/// </summary>
public static class AdmissionMutation
{
    /// <summary>The first version with MutatingAdmissionPolicy at all in a usable API: admissionregistration.k8s.io/v1beta1 (beta, off by default).</summary>
    public static KubernetesVersion MinimumVersion { get; } = new(1, 34);

    /// <summary>The version where MutatingAdmissionPolicy is GA: admissionregistration.k8s.io/v1, on by default (KEP-3962).</summary>
    public static KubernetesVersion GaVersion { get; } = new(1, 36);

    /// <summary>The name of the policy and its binding.</summary>
    public const string Name = "handoff-mutate";

    /// <summary>The admissionregistration API version for <paramref name="version"/>, or null when the cluster has none the policy can use (below 1.34).</summary>
    public static string? ApiVersionFor(KubernetesVersion version) =>
        version >= GaVersion ? "admissionregistration.k8s.io/v1"
        : version >= MinimumVersion && version.HasSleepAction ? "admissionregistration.k8s.io/v1beta1"
        : null;

    /// <summary>Why <paramref name="version"/> cannot have the mutation, as a sentence; null when it can.</summary>
    public static string? Refusal(KubernetesVersion version) => ApiVersionFor(version) is not null ? null
        : !version.HasSleepAction
            ? $"--mutate adds the native preStop 'sleep' action, which Kubernetes {Format(version)} does not have on (beta and on from 1.30); pass --k8s-version {Format(MinimumVersion)} or later"
            : $"--mutate needs MutatingAdmissionPolicy, which Kubernetes {Format(version)} does not serve (admissionregistration.k8s.io/v1beta1 from {Format(MinimumVersion)}, v1 from {Format(GaVersion)}); pass --k8s-version {Format(MinimumVersion)} or later, or leave out --mutate and run 'handoff fix' in CI";

    /// <summary>The variables the mutations read beyond <see cref="AdmissionCel.Variables"/>.</summary>
    public static IReadOnlyList<(string Name, string Expression)> Variables { get; } =
    [
        // AddPreStopFixer writes required.Required.WholeValue: P rounded up.
        ("preStopSleepSeconds", "int(variables.propagation) + (double(int(variables.propagation)) < variables.propagation ? 1 : 0)"),
        ("addPreStop",
            $"{AdmissionCel.Ignored(HO101PreStopMissing.Rule.Id, HO101PreStopMissing.Rule.Name)} || variables.delay > 0.0 || variables.preStopSleepSeconds < 1 ? []"
            + " : variables.serving.filter(c, !has(c.lifecycle) || !has(c.lifecycle.preStop)).map(c, c.name)"),

        // GraceRequirement: the longest preStop of the pod whose length is known, plus delay, drain and buffer, rounded up.
        ("knownPreStops", $"variables.containers.map(c, {AdmissionCel.PreStopSeconds("c")}).filter(s, s >= 0.0)"),
        ("longestPreStop", "size(variables.knownPreStops) == 0 ? 0.0 : variables.knownPreStops.filter(s, variables.knownPreStops.all(t, t <= s))[0]"),
        ("fixGraceExact", "variables.longestPreStop + variables.delay + variables.drain + variables.buffer"),
        ("fixGrace", "int(variables.fixGraceExact) + (double(int(variables.fixGraceExact)) < variables.fixGraceExact - 0.000000001 ? 1 : 0)"),
        ("raiseGrace",
            $"!(({Validation("HO104")}) && ({Validation("HO105")}) && ({Validation("HO110")})) && variables.grace < double(variables.fixGrace)"),
    ];

    /// <summary>The mutations in order: the preStop sleep first, then the grace period that counts it.</summary>
    public static IReadOnlyList<string> Mutations { get; } =
    [
        "size(variables.addPreStop) == 0 ? Object{} : Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{"
            + "containers: variables.addPreStop.map(n, Object.spec.template.spec.containers{name: n, "
            + "lifecycle: Object.spec.template.spec.containers.lifecycle{preStop: Object.spec.template.spec.containers.lifecycle.preStop{"
            + "sleep: Object.spec.template.spec.containers.lifecycle.preStop.sleep{seconds: variables.preStopSleepSeconds}}}})}}}}",
        "!variables.raiseGrace ? Object{} : Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{"
            + "terminationGracePeriodSeconds: variables.fixGrace}}}}",
    ];

    /// <summary>The policy and its binding for <paramref name="options"/> (whose version must have them: <see cref="Refusal"/>).</summary>
    /// <exception cref="ArgumentException">The version has no MutatingAdmissionPolicy.</exception>
    public static IReadOnlyList<PlainMap> Objects(AdmissionPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var apiVersion = ApiVersionFor(options.Version) ?? throw new ArgumentException(Refusal(options.Version), nameof(options));
        var variables = AdmissionCel.Variables.Concat(Variables)
            .Select(v => (PlainNode)AdmissionPolicy.Map(("name", AdmissionPolicy.S(v.Name)), ("expression", AdmissionPolicy.S(v.Expression))))
            .ToList();
        var mutations = Mutations.Select(m => (PlainNode)AdmissionPolicy.Map(
            ("patchType", AdmissionPolicy.S("ApplyConfiguration")),
            ("applyConfiguration", AdmissionPolicy.Map(("expression", AdmissionPolicy.S(m)))))).ToList();
        var policy = AdmissionPolicy.Map(
            ("apiVersion", AdmissionPolicy.S(apiVersion)),
            ("kind", AdmissionPolicy.S("MutatingAdmissionPolicy")),
            ("metadata", AdmissionPolicy.Metadata(Name, null)),
            ("spec", AdmissionPolicy.Map(

                // A mutation that cannot run leaves the object as the user wrote it; the validating policies still judge it.
                ("failurePolicy", AdmissionPolicy.S("Ignore")),
                ("paramKind", AdmissionPolicy.ParamKind),
                ("matchConstraints", AdmissionPolicy.MatchConstraints),
                ("matchConditions", AdmissionPolicy.MatchConditions),
                ("variables", new PlainSeq(variables)),
                ("mutations", new PlainSeq(mutations)),

                // Both mutations only add what is missing or raise what is short: running them again changes nothing.
                ("reinvocationPolicy", AdmissionPolicy.S("IfNeeded")))));
        var binding = AdmissionPolicy.Map(
            ("apiVersion", AdmissionPolicy.S(apiVersion)),
            ("kind", AdmissionPolicy.S("MutatingAdmissionPolicyBinding")),
            ("metadata", AdmissionPolicy.Metadata(Name, null)),
            ("spec", AdmissionPolicy.Map(
                ("policyName", AdmissionPolicy.S(Name)),
                ("paramRef", AdmissionPolicy.ParamRef(options, notFound: "Allow")),
                ("matchResources", AdmissionPolicy.Map(("namespaceSelector", AdmissionPolicy.NamespaceSelectorOf(options)))))));
        return [policy, binding];
    }

    private static string Validation(string ruleId) => AdmissionRules.All.Single(r => r.Descriptor.Id == ruleId).Expression;

    private static string Format(KubernetesVersion version) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}");
}
