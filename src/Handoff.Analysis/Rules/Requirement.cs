namespace Handoff.Analysis.Rules;

/// <summary>Where a field a requirement speaks of sits, so that fixers and the policy generator can reach it in any workload kind.</summary>
public enum FieldScope
{
    /// <summary>From the object's root ("spec.minReadySeconds").</summary>
    Object,

    /// <summary>From the pod spec: 'spec' of a Pod, 'spec.template.spec' of the other workloads ("terminationGracePeriodSeconds").</summary>
    PodSpec,

    /// <summary>From the violation's container ("lifecycle.preStop.sleep.seconds").</summary>
    Container,

    /// <summary>An annotation on the object or its pod template (Handoff's own, or a controller's such as 'proxy.istio.io/config'); the path is the annotation's key.</summary>
    Annotation,

    /// <summary>Another object linked to this one; the path starts with its kind ("PodDisruptionBudget.spec.maxUnavailable").</summary>
    Related,

    /// <summary>An instruction of the image's Dockerfile (final stage); the path is its keyword ("STOPSIGNAL").</summary>
    Dockerfile,
}

/// <summary>A field of the Kubernetes API, relative to a scope.</summary>
/// <param name="Scope">Where <paramref name="Path"/> starts.</param>
/// <param name="Path">Dot-separated field names, as in the API reference.</param>
public sealed record ApiField(FieldScope Scope, string Path)
{
    /// <summary>"terminationGracePeriodSeconds" of the pod spec.</summary>
    public static ApiField GracePeriod { get; } = new(FieldScope.PodSpec, "terminationGracePeriodSeconds");

    /// <summary>The container's preStop hook.</summary>
    public static ApiField PreStop { get; } = new(FieldScope.Container, "lifecycle.preStop");

    /// <summary>The container's native preStop sleep.</summary>
    public static ApiField PreStopSleepSeconds { get; } = new(FieldScope.Container, "lifecycle.preStop.sleep.seconds");

    /// <summary>The container's exec preStop command.</summary>
    public static ApiField PreStopExecCommand { get; } = new(FieldScope.Container, "lifecycle.preStop.exec.command");

    /// <summary>The container's readiness probe.</summary>
    public static ApiField ReadinessProbe { get; } = new(FieldScope.Container, "readinessProbe");

    /// <summary>A Handoff annotation.</summary>
    public static ApiField Annotation(string key) => new(FieldScope.Annotation, key);

    /// <summary>A field of the object, from its root.</summary>
    public static ApiField OfObject(string path) => new(FieldScope.Object, path);

    /// <inheritdoc/>
    public override string ToString() => Path;
}

/// <summary>What a rule requires of one field, and what is there: the single statement message, fixer and policy render from.</summary>
/// <param name="Field">The field the requirement constrains (the one a fix writes).</param>
public abstract record Requirement(ApiField Field);

/// <summary>The field must hold at least <paramref name="Required"/>; it holds <paramref name="Actual"/>.</summary>
/// <param name="Field">The field.</param>
/// <param name="Required">The least value that satisfies the rule (the value a fix writes, rounded up to what the API takes).</param>
/// <param name="Actual">The value in force (written, or Kubernetes' default when <see cref="Defaulted"/>).</param>
public sealed record AtLeast(ApiField Field, Quantity Required, Quantity Actual) : Requirement(Field)
{
    /// <summary>How <see cref="Required"/> is made up, as the rule adds it ("preStop and delay 10 s + drain 20 s + buffer 10 s"); empty when it is one number.</summary>
    public IReadOnlyList<Term> Terms { get; init; } = [];

    /// <summary>What already counts toward the total besides the field (the in-app delay next to a preStop sleep); <see cref="Required"/> excludes it.</summary>
    public IReadOnlyList<Term> Alongside { get; init; } = [];

    /// <summary>Whether <see cref="Actual"/> is Kubernetes' default, not written in the manifest.</summary>
    public bool Defaulted { get; init; }

    /// <summary>How far short the field is.</summary>
    public Quantity Shortfall => Required with { Value = Math.Max(0, Required.Value - Actual.Value) };
}

/// <summary>The field must hold less than <paramref name="Limit"/>; it holds <paramref name="Actual"/>.</summary>
/// <param name="Field">The field.</param>
/// <param name="Limit">The bound the field must stay under.</param>
/// <param name="Actual">The value in force.</param>
/// <param name="LimitField">The field the bound is read from, when it is one (the grace period bounds the preStop sleep); null for a constant.</param>
public sealed record Below(ApiField Field, Quantity Limit, Quantity Actual, ApiField? LimitField) : Requirement(Field);

/// <summary>The field must be set; it is not.</summary>
/// <param name="Field">The field.</param>
public sealed record Present(ApiField Field) : Requirement(Field);

/// <summary>The field must hold <paramref name="Required"/>; it holds <paramref name="Actual"/>.</summary>
/// <param name="Field">The field.</param>
/// <param name="Required">The value the rule asks for, as written in YAML.</param>
/// <param name="Actual">What is written, or null when the field is absent.</param>
public sealed record EqualTo(ApiField Field, string Required, string? Actual) : Requirement(Field)
{
    /// <summary>What <see cref="Actual"/> comes to once Kubernetes resolves it (a percentage of replicas), when that differs from the text.</summary>
    public Quantity? Resolved { get; init; }

    /// <summary>Whether <see cref="Actual"/> is Kubernetes' default, not written in the manifest.</summary>
    public bool Defaulted { get; init; }
}

/// <summary>The field must differ from another field; both hold <paramref name="Actual"/>.</summary>
/// <param name="Field">The field.</param>
/// <param name="Other">The field it must differ from.</param>
/// <param name="Actual">What both hold.</param>
public sealed record DiffersFrom(ApiField Field, ApiField Other, string Actual) : Requirement(Field);

/// <summary>The field must not hold what it holds.</summary>
/// <param name="Field">The field.</param>
/// <param name="Actual">What is written.</param>
public sealed record Forbidden(ApiField Field, string Actual) : Requirement(Field)
{
    /// <summary>What to write instead, when one value does the same job (a native sleep of 5 s for an exec 'sleep 5'); null otherwise.</summary>
    public Replacement? Replacement { get; init; }

    /// <summary>Where <see cref="Actual"/> is written when it is not in the field itself (the last line of an entrypoint script the field runs); null when it is.</summary>
    public ScriptLine? WrittenIn { get; init; }
}

/// <summary>A line of a script read from the build context.</summary>
/// <param name="Script">The script's path as messages print it.</param>
/// <param name="Line">The 1-based line.</param>
public sealed record ScriptLine(string Script, int Line);

/// <summary>A value that replaces a forbidden one.</summary>
/// <param name="Field">The field to write.</param>
/// <param name="Value">Its value.</param>
public sealed record Replacement(ApiField Field, Quantity Value);
