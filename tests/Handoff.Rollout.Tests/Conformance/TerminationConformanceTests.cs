using System.Text;
using System.Text.Json;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Verify;

namespace Handoff.Rollout.Tests.Conformance;

/// <summary>
/// One table of pod-termination cases run through every consumer of the Kubernetes model: check's time budget,
/// explain's timeline, the lab's manifest reader, and verify's pod facts (read from the same pod as kubectl prints it
/// in JSON). They agree on every row, or the row says why a consumer refuses it.
/// </summary>
public sealed class TerminationConformanceTests
{
    /// <summary>One case: what is written, and what Kubernetes does with it.</summary>
    /// <param name="Name">The case.</param>
    /// <param name="Written">Pod template fields: a "grace" line, "annotations", container "extra" lines.</param>
    /// <param name="PreStop">How long the hook runs as read (null: unknown).</param>
    /// <param name="SigtermAt">When SIGTERM comes (null: cannot be placed).</param>
    /// <param name="SigkillAt">When SIGKILL comes.</param>
    /// <param name="StopsListeningAt">When the app stops taking requests.</param>
    /// <param name="LabRefuses">Null when the lab runs it; else words of its refusal.</param>
    /// <param name="VerifyPreStop">What verify places SIGTERM with (differs from check only for lower bounds, which verify will not guess).</param>
    public sealed record Row(string Name, Written Written, double? PreStop, double? SigtermAt, double? SigkillAt, double? StopsListeningAt, string? LabRefuses, double? VerifyPreStop)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    /// <summary>What the manifest says.</summary>
    public sealed record Written(int? Grace = null, string Annotations = "{}", string Container = "", string? Sidecar = null, string Env = "");

    public static TheoryData<Row> Rows => new()
    {
        new Row("no preStop, default grace", new(), 0, 0, 30, 0, null, 0),
        new Row("sleep action 10 s, grace 45", new(45, Container: "lifecycle: {preStop: {sleep: {seconds: 10}}}"), 10, 10, 45, 10, null, 10),
        new Row("exec sleep 1m (a unit)", new(90, Container: "lifecycle: {preStop: {exec: {command: [sleep, 1m]}}}"), 60, 60, 90, 60, null, 60),
        new Row("sh -c sleep 5 && nginx -s quit", new(Container: "lifecycle: {preStop: {exec: {command: [/bin/sh, -c, 'sleep 5 && nginx -s quit']}}}"), 5, 5, 30, 5, null, 5),
        new Row("nginx -s quit alone returns at once", new(Container: "lifecycle: {preStop: {exec: {command: [/bin/sh, -c, 'nginx -s quit']}}}"), 0, 0, 30, 0, null, 0),
        new Row("sleep then real work: a lower bound", new(Container: "lifecycle: {preStop: {exec: {command: [sh, -c, 'sleep 5; nodetool drain']}}}"), 5, 5, 30, 5, "nodetool drain", null),
        new Row("a loop: unknown", new(Container: "lifecycle: {preStop: {exec: {command: [sh, -c, 'nginx -s quit; while killall -0 nginx; do sleep 1; done']}}}"), null, null, null, null, "handoff.dev/prestop-seconds", null),
        new Row("a loop declared as '25s'", new(60, "{handoff.dev/prestop-seconds: '25s'}", "lifecycle: {preStop: {exec: {command: [sh, -c, 'nginx -s quit; while killall -0 nginx; do sleep 1; done']}}}"), 25, 25, 60, 25, null, 25),
        new Row("httpGet: unknown, the lab calls it", new(Container: "ports: [{containerPort: 8080}]\n          lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}"), null, null, null, null, null, null),
        new Row("httpGet declared 12", new(Annotations: "{handoff.dev/prestop-seconds: '12'}", Container: "ports: [{containerPort: 8080}]\n          lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}"), 12, 12, 30, 12, null, 12),
        new Row("in-app delay 6 s, no preStop", new(Annotations: "{handoff.dev/shutdown-delay-seconds: '6'}"), 0, 0, 30, 6, null, 0),
        new Row("preStop 10 s plus in-app delay 5 s", new(Annotations: "{handoff.dev/shutdown-delay-seconds: '5'}", Container: "lifecycle: {preStop: {sleep: {seconds: 10}}}"), 10, 10, 30, 15, null, 10),
        new Row("preStop 29 s of 30: SIGKILL no sooner than 2 s after SIGTERM", new(Container: "lifecycle: {preStop: {sleep: {seconds: 29}}}"), 29, 29, 31, 29, null, 29),
        new Row("exec sleep 40 s past grace 30: cut, 2 s more", new(Container: "lifecycle: {preStop: {exec: {command: [sleep, '40']}}}"), 40, 30, 32, 30, null, 40),
        new Row("sleep infinity: cut at grace", new(20, Container: "lifecycle: {preStop: {exec: {command: [sh, -c, 'sleep infinity']}}}"), double.PositiveInfinity, 20, 22, 20, null, double.PositiveInfinity),
        new Row("grace 0: the kubelet skips preStop", new(0, Container: "lifecycle: {preStop: {exec: {command: [sleep, '5']}}}"), 5, 0, 2, 0, null, 5),
        new Row("sleep action above grace: the API server rejects it", new(30, Container: "lifecycle: {preStop: {sleep: {seconds: 40}}}"), 40, 30, 32, 30, "API server rejects", 40),
        new Row("sleep action 0 before 1.33: rejected", new(Container: "lifecycle: {preStop: {sleep: {seconds: 0}}}"), 0, 0, 30, 0, "API server rejects", 0),
        new Row("sleep from the container's env", new(Container: "lifecycle: {preStop: {exec: {command: [sh, -c, 'sleep ${DRAIN_WAIT:-3}']}}}", Env: "env: [{name: DRAIN_WAIT, value: '15'}]"), 15, 15, 30, 15, null, 15),
        new Row("istio-proxy first: the app container decides", new(Container: "lifecycle: {preStop: {sleep: {seconds: 10}}}", Sidecar: "istio-proxy"), 10, 10, 30, 10, "2 containers", 10),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Check_Budget_FollowsTheKubelet(Row row)
    {
        var budget = Budget(row.Written);

        budget.Termination.PreStop.Seconds.ShouldBe(row.PreStop);
        budget.Termination.SigtermAt.ShouldBe(row.SigtermAt);
        budget.Termination.SigkillAt.ShouldBe(row.SigkillAt);
        budget.Termination.StopsListeningAt.ShouldBe(row.StopsListeningAt);
        if (row.SigtermAt is { } term)
        {
            budget.SigtermAtSeconds.ShouldBe(term);
            budget.SigkillAtSeconds.ShouldBe(row.SigkillAt!.Value);
            budget.StopListeningSeconds.ShouldBe(row.StopsListeningAt!.Value);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Explain_Timeline_ShowsTheSameSchedule(Row row)
    {
        var budget = Budget(row.Written);
        var timeline = WorkloadTimeline.From(budget, "kube-proxy-small", 100, 5);

        timeline.SigtermAtSeconds.ShouldBe(budget.SigtermAtSeconds);
        timeline.SigkillAtSeconds.ShouldBe(budget.SigkillAtSeconds);
        timeline.StopListeningSeconds.ShouldBe(budget.StopListeningSeconds);
        if (row.SigtermAt is { } term)
        {
            timeline.SigtermAtSeconds.ShouldBe(term);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Lab_Reader_RunsTheSameScheduleOrRefusesWithAReason(Row row)
    {
        var yaml = Manifest(row.Written);
        if (row.LabRefuses is { } why)
        {
            var error = Should.Throw<LabManifestException>(() => LabManifestReader.Parse(yaml, "row.yaml"));
            error.ToString().ShouldContain(why);
            error.Line.ShouldBeGreaterThan(0);
            return;
        }

        var spec = LabManifestReader.Parse(yaml, "row.yaml");
        spec.GracePeriod.TotalSeconds.ShouldBe(row.Written.Grace ?? 30);
        if (spec.PreStop is { Kind: LabPreStopKind.HttpGet })
        {
            row.PreStop.ShouldBeOneOf(null, 12); // the lab calls the hook for real: its length is what the app takes
            return;
        }

        var preStop = spec.PreStop?.Duration.TotalSeconds;
        var sigterm = PodTermination.SigtermAfter(spec.PreStop is not null, preStop, spec.GracePeriod.TotalSeconds);
        sigterm.ShouldBe(row.SigtermAt);
        var kill = sigterm!.Value + PodTermination.KillDelayAfterPreStop(spec.GracePeriod.TotalSeconds, spec.PreStop is null ? 0 : sigterm.Value);
        kill.ShouldBe(row.SigkillAt!.Value);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Verify_PodFacts_FromKubectlJson_AgreeWithCheck(Row row)
    {
        var facts = PodTemplateFacts.Read(TemplateJson(row.Written));

        facts.GraceSeconds.ShouldBe(row.Written.Grace ?? 30);
        facts.PreStopSeconds.ShouldBe(row.VerifyPreStop);
        var hasHook = !string.Equals(facts.PreStopSource, "none", StringComparison.Ordinal);
        var sigterm = PodTermination.SigtermAfter(hasHook, facts.PreStopSeconds, facts.GraceSeconds);
        if (row.VerifyPreStop is not null || row.PreStop is null)
        {
            sigterm.ShouldBe(row.SigtermAt);
        }
        else
        {
            sigterm.ShouldBeNull("verify does not place SIGTERM on a lower bound");
        }

        var budget = Budget(row.Written);
        facts.InAppDelaySeconds.ShouldBe(budget.InAppDelaySeconds);
    }

    private static TimeBudget Budget(Written written)
    {
        var model = ClusterModel.Build(ManifestSet.FromText(Manifest(written) + Service, "row.yaml"));
        model.Errors.ShouldBeEmpty();
        return TimeBudget.Compute(model.Workloads.Single(), model, ProfileCatalog.BuiltIn.Find("kube-proxy-small")!);
    }

    private const string Service = """

        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        """;

    private static string Manifest(Written w)
    {
        var grace = w.Grace is { } g ? $"      terminationGracePeriodSeconds: {g}\n" : string.Empty;
        var sidecar = w.Sidecar is { } name ? $"        - name: {name}\n          image: proxy:1\n" : string.Empty;
        var extra = w.Container.Length > 0 ? $"          {w.Container}\n" : string.Empty;
        var env = w.Env.Length > 0 ? $"          {w.Env}\n" : string.Empty;
        return $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{"}name: web{"}"}
            spec:
              replicas: 3
              selector: {"{"}matchLabels: {"{"}app: web{"}"}{"}"}
              template:
                metadata: {"{"}labels: {"{"}app: web{"}"}, annotations: {w.Annotations}{"}"}
                spec:
            {grace}      containers:
            {sidecar}        - name: app
                      image: app:1
            {extra}{env}
            """;
    }

    // kubectl get deployment -o json prints the pod template as JSON: the same fields, another syntax.
    private static JsonElement TemplateJson(Written written)
    {
        var deployment = ManifestSet.FromText(Manifest(written), "row.yaml").Objects.Single();
        var template = (YMap)((YMap)deployment.Node["spec"]!)["template"]!;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(template, writer);
        }

        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
        return document.RootElement.Clone();
    }

    private static void WriteJson(YNode node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case YMap map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Entries)
                {
                    writer.WritePropertyName(((YScalar)key).Value);
                    WriteJson(value, writer);
                }

                writer.WriteEndObject();
                break;
            case YSeq seq:
                writer.WriteStartArray();
                foreach (var item in seq.Items)
                {
                    WriteJson(item, writer);
                }

                writer.WriteEndArray();
                break;
            case YScalar scalar when scalar.Style == ScalarStyle.Plain && scalar.AsInteger() is { } number:
                writer.WriteNumberValue(number);
                break;
            case YScalar scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}
