using System.Globalization;
using Handoff.Analysis.Images;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Policy;

/// <summary>
/// The facts of Handoff's model written once in CEL for the API server: the annotations check reads, which containers
/// serve, how long a preStop hook runs, and the kubelet's termination schedule (<see cref="PodTermination"/>). Each
/// policy declares them as <c>spec.variables</c>; the validations of <see cref="AdmissionRules"/> read them.
/// </summary>
/// <remarks>
/// Only functions that Kubernetes 1.30+ offers in every admission policy and that @bufbuild/cel implements the same
/// way are used: <c>has()</c>, <c>all/exists/filter/map</c>, <c>size</c>, <c>in</c>, <c>matches</c> (RE2), <c>int</c>,
/// <c>double</c>, <c>string</c>, <c>type</c>, and from the strings extension <c>substring</c>, <c>split</c>, <c>trim</c>,
/// <c>endsWith</c> and <c>join</c>. Not used: optional types (<c>?.</c>, unsupported by @bufbuild/cel 0.6.1) and
/// <c>duration()</c> accessors (@bufbuild/cel's <c>getMilliseconds()</c> returns the millisecond component, cel-go the
/// total). No comprehension nests inside another over an unbounded list: the one port loop is guarded by a size bound.
/// </remarks>
public static class AdmissionCel
{
    /// <summary>The most ports a container may declare before the policy calls it serving without looking at their names.</summary>
    public const int PortScanLimit = 16;

    /// <summary>Port names that mark metrics or admin endpoints: a container whose ports all match does not serve traffic.</summary>
    public const string MetricsPortPattern = "^(metrics|http-metrics|https-metrics|.*-metrics|metrics-.*|prometheus|prom|.*-prom|monitoring|exporter|admin|debug|pprof)$";

    /// <summary>The annotation (or label) that forces the serving decision: "true" or "false" on the pod template or the object.</summary>
    public const string ServingAnnotation = "handoff.dev/serving";

    /// <summary>Container names of proxy sidecars (as <see cref="Workload"/> knows them) that never count as serving by their ports.</summary>
    public static IReadOnlyList<string> KnownSidecars { get; } = ["istio-proxy", "linkerd-proxy", "envoy", "cloud-sql-proxy", "cloudsql-proxy", "oauth2-proxy"];

    // Declared before the variables: static initialisers run in text order.
    /// <summary>Shells whose <c>-c</c> script the policy reads for a plain <c>sleep N</c>.</summary>
    private static readonly string[] Shells = ["sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash", "/busybox/sh"];

    /// <summary>The programs HO103 calls a shell or a sleep binary (the exec hook's first word, any directory).</summary>
    private static readonly string[] ShellBinaries = ["sh", "bash", "ash", "dash", "zsh", "busybox", "sleep"];

    /// <summary>The shells whose '-c' script <see cref="ExecIsExact"/> reads.</summary>
    private static readonly string[] ScriptShells = ["sh", "bash", "ash", "dash", "zsh"];

    /// <summary>Commands that return at once, as <see cref="Kubernetes.ExecCommand"/> lists them.</summary>
    private static readonly string[] QuickCommands = ["echo", "printf", "true", "false", ":", "touch", "rm", "kill", "pkill", "date", "logger", "sync", "exit", "set", "export", "trap"];

    /// <summary>The policy's variables in evaluation order (Kubernetes evaluates them lazily; later ones may read earlier ones).</summary>
    public static IReadOnlyList<(string Name, string Expression)> Variables { get; } =
    [
        ("objectAnnotations", "has(object.metadata.annotations) ? object.metadata.annotations : {}"),
        ("podAnnotations", "has(object.spec.template.metadata) && has(object.spec.template.metadata.annotations) ? object.spec.template.metadata.annotations : {}"),
        ("podLabels", "has(object.spec.template.metadata) && has(object.spec.template.metadata.labels) ? object.spec.template.metadata.labels : {}"),
        ("ignored", $"({Lookup("variables.objectAnnotations", HandoffAnnotations.Ignore)}) + ' ' + ({Lookup("variables.podAnnotations", HandoffAnnotations.Ignore)})"),
        ("ref", "object.kind + ' ' + (has(object.metadata.namespace) ? object.metadata.namespace + '/' : '') + (has(object.metadata.name) ? object.metadata.name : object.metadata.generateName)"),
        ("containers", "object.spec.template.spec.containers"),
        ("servingDeclared", $"{PodThenObject(ServingAnnotation)} != '' ? {PodThenObject(ServingAnnotation)} : ('{ServingAnnotation}' in variables.podLabels ? variables.podLabels['{ServingAnnotation}'] : '')"),
        ("serving", $"variables.containers.filter(c, variables.servingDeclared != 'false' && !(c.name in [{string.Join(", ", KnownSidecars.Select(Quote))}]) && (variables.servingDeclared == 'true' || (has(c.ports) && (size(c.ports) > {PortScanLimit} || c.ports.exists(p, !has(p.name) || !p.name.matches('{MetricsPortPattern}'))))))"),
        ("grace", $"has(object.spec.template.spec.terminationGracePeriodSeconds) ? double(object.spec.template.spec.terminationGracePeriodSeconds) : {Number(PodTemplate.DefaultGracePeriodSeconds)}"),
        ("delaySeconds", ParseSeconds(PodThenObject(HandoffAnnotations.ShutdownDelaySeconds))),
        ("delay", "variables.delaySeconds >= 0.0 ? variables.delaySeconds : 0.0"),
        ("declaredDrain", ParseSeconds(PodThenObject(HandoffAnnotations.DrainSeconds))),
        ("drainDeclared", $"variables.declaredDrain >= 0.0 || params.data.{PolicyParameters.DrainGivenKey} == 'true'"),
        ("drain", $"variables.declaredDrain >= 0.0 && params.data.{PolicyParameters.DrainOverridesKey} != 'true' ? variables.declaredDrain : double(params.data.{PolicyParameters.DrainKey})"),
        ("buffer", $"double(params.data.{PolicyParameters.BufferKey})"),
        ("propagation", $"double(params.data.{PolicyParameters.PropagationKey})"),
        ("declaredPreStop", ParseSeconds(PodThenObject(HandoffAnnotations.PreStopSeconds))),

        // Track A for the traffic container (the first serving one), as PodTermination computes it: -1 no hook, -2 unknown length.
        ("trafficPreStop", $"size(variables.serving) == 0 ? {Number(NoHook)} : {PreStopSeconds("variables.serving[0]")}"),
        ("sigtermAt", $"variables.trafficPreStop < 0.0 || variables.grace <= 0.0 ? 0.0 : (variables.trafficPreStop < variables.grace ? variables.trafficPreStop : variables.grace)"),
        ("killDelay", $"variables.grace - double(int(variables.trafficPreStop >= 0.0 && variables.grace > 0.0 ? variables.sigtermAt : 0.0))"),
        ("sigkillAt", $"variables.trafficPreStop == {Number(UnknownLength)} ? {MaxGraceOrKillDelay} : variables.sigtermAt + (variables.killDelay > {Number(PodTermination.MinimumKillDelaySeconds)} ? variables.killDelay : {Number(PodTermination.MinimumKillDelaySeconds)})"),
        ("stopListening", $"variables.trafficPreStop == {Number(UnknownLength)} ? (variables.delay < variables.sigkillAt ? variables.delay : variables.sigkillAt) : (variables.sigtermAt + variables.delay < variables.sigkillAt ? variables.sigtermAt + variables.delay : variables.sigkillAt)"),
        ("drainWindow", "variables.sigkillAt - variables.stopListening > 0.0 ? variables.sigkillAt - variables.stopListening : 0.0"),
        ("requiredGrace", "variables.stopListening + variables.drain + variables.buffer"),
    ];

    /// <summary>The value a preStop expression has when the container has no hook.</summary>
    public const double NoHook = -1;

    /// <summary>The value a preStop expression has when the hook's length cannot be read (and is not declared).</summary>
    public const double UnknownLength = -2;

    private const string MaxGraceOrKillDelay = "(variables.grace > 2.0 ? variables.grace : 2.0)";

    /// <summary>
    /// How long container <paramref name="c"/>'s preStop runs, seconds, as <see cref="PreStopHook.Of"/> reads it where CEL can:
    /// the declared annotation, the sleep action, an exec of <c>sleep N</c> or of a shell running <c>sleep N</c> (optionally
    /// followed by '&amp;&amp;' or ';' and more commands, a lower bound as in check); <see cref="NoHook"/> or <see cref="UnknownLength"/> otherwise.
    /// </summary>
    public static string PreStopSeconds(string c)
    {
        var hook = $"{c}.lifecycle.preStop";
        var cmd = $"{hook}.exec.command";
        var script = $"{cmd}[2].trim()";
        var execSleep =
            $"size({cmd}) == 2 && {cmd}[0] in ['sleep', '/bin/sleep', '/usr/bin/sleep'] && {cmd}[1].matches('^[0-9]+s?$') ? double({cmd}[1].split('s')[0])"
            + $" : (size({cmd}) == 3 && {cmd}[0] in [{string.Join(", ", Shells.Select(Quote))}] && {cmd}[1] == '-c' && {script}.matches('^sleep +[0-9]+s?( *(&&|;).*)?$')"
            + $" ? double({script}.substring(5).trim().split(' ')[0].split(';')[0].split('&')[0].split('s')[0]) : {Number(UnknownLength)})";
        return $"(!has({c}.lifecycle) || !has({hook}) ? {Number(NoHook)}"
            + $" : (variables.declaredPreStop >= 0.0 ? variables.declaredPreStop"
            + $" : (has({hook}.sleep) ? double({hook}.sleep.seconds)"
            + $" : (has({hook}.exec) && has({cmd}) ? ({execSleep}) : {Number(UnknownLength)}))))";
    }

    /// <summary>
    /// The shell-less family of container <paramref name="c"/>'s image as a CEL string ('' when none), matched with the
    /// patterns of <see cref="ImageKnowledge.ShellLess"/> (check's own data, generated into the expression: the
    /// families are Handoff's knowledge and change with its releases, not a number an admin tunes).
    /// </summary>
    public static string ShellLessFamily(string c)
    {
        var image = $"(has({c}.image) ? {c}.image : '')";
        var expression = "''";
        foreach (var family in ImageKnowledge.ShellLess.Reverse())
        {
            var matches = $"{image}.matches({Quote(family.Pattern)})" + (family.Unless is { } unless ? $" && !{image}.matches({Quote(unless)})" : string.Empty);
            expression = $"({matches} ? {Quote(family.Family)} : {expression})";
        }

        return expression;
    }

    /// <summary>Whether container <paramref name="c"/>'s preStop is an exec hook whose program is a shell or a sleep binary (HO103's test).</summary>
    public static string ExecNeedsShell(string c)
    {
        var cmd = $"{c}.lifecycle.preStop.exec.command";
        return $"(has({c}.lifecycle) && has({c}.lifecycle.preStop) && has({c}.lifecycle.preStop.exec) && has({cmd}) && size({cmd}) > 0"
            + $" && {cmd}[0].matches('^(.*/)?({string.Join('|', ShellBinaries)})$'))";
    }

    /// <summary>
    /// Whether container <paramref name="c"/>'s exec preStop does nothing but sleep and quick commands (echo, kill,
    /// 'nginx -s quit'...), no loop, as <see cref="Kubernetes.ExecCommand.IsExact"/> reads it where a regular expression
    /// can: 'sleep N' (directly or through busybox) or a shell's '-c' script of such commands joined by ';', '&amp;&amp;',
    /// '||' or new lines. A script it cannot read counts as real work, so the info finding is not given (docs/policy.md).
    /// </summary>
    public static string ExecIsExact(string c)
    {
        var cmd = $"{c}.lifecycle.preStop.exec.command";
        const string number = "[0-9]+([.][0-9]+)?[smhd]?";
        const string word = @"[^;&|\n]";
        var sleep = $@"(\S*/)?sleep\s+{number}";
        var nginx = $@"(\S*/)?nginx\s{word}*-s{word}*";
        var quick = $@"(\S*/)?({string.Join('|', QuickCommands)})(\s{word}*)?";
        var one = $@"({sleep}|{nginx}|{quick})\s*";
        var script = $@"^\s*{one}((;|&&|\|\||\n)\s*{one})*;?\s*$";
        return $"((size({cmd}) == 2 && {cmd}[0].matches('^(.*/)?sleep$') && {cmd}[1].matches('^{number}$'))"
            + $" || (size({cmd}) == 3 && {cmd}[0].matches('^(.*/)?busybox$') && {cmd}[1] == 'sleep' && {cmd}[2].matches('^{number}$'))"
            + $" || (size({cmd}) == 3 && {cmd}[0].matches('^(.*/)?({string.Join('|', ScriptShells)})$') && {cmd}[1] == '-c' && {cmd}[2].matches({Quote(script)})))";
    }

    /// <summary>Whether rule <paramref name="ruleId"/> (by id or name) is suppressed with the ignore annotation, as check's Analyzer matches it.</summary>
    public static string Ignored(string ruleId, string ruleName) =>
        $"variables.ignored.matches('(?i)(^|[ ,;])({ruleId}|{ruleName}|[*])($|[ ,;])')";

    /// <summary>A double literal CEL reads as a double ("30.0", not "30").</summary>
    public static string Number(double value) =>
        value.ToString(value == Math.Floor(value) ? "0.0" : "0.0##", CultureInfo.InvariantCulture);

    /// <summary>A CEL string literal in single quotes.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "'" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    // HandoffAnnotations.Seconds reads the pod template first, then the object, whatever the value holds.
    private static string PodThenObject(string annotation) =>
        $"('{annotation}' in variables.podAnnotations ? variables.podAnnotations['{annotation}'] : {Lookup("variables.objectAnnotations", annotation)})";

    private static string Lookup(string map, string key) => $"'{key}' in {map} ? {map}['{key}'] : ''";

    // Durations.ParseSeconds where CEL can follow it: a bare number of seconds, or one followed by 's' or 'm'; -1 when absent or other.
    private static string ParseSeconds(string text) =>
        $"{text}.matches('^[0-9]+([.][0-9]+)?s?$') ? double({text}.split('s')[0]) : ({text}.matches('^[0-9]+m$') ? 60.0 * double({text}.split('m')[0]) : -1.0)";
}
