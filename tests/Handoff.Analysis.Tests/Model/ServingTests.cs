using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Tests.Model;

/// <summary>What makes a workload traffic-serving (issue 13.1): the decision is made once in the model, with its evidence.</summary>
public sealed class ServingTests
{
    private const string Exporter = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app, namespace: monitoring}
        spec:
          replicas: 2
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}}
            spec:
              containers:
                - name: app
                  image: example/app:1
                  ports: [{name: http, containerPort: 8080}]
                - name: exporter
                  image: example/exporter:1
                  ports: [{name: metrics, containerPort: 9100}]
        """;

    private static Workload Only(string yaml) => ClusterModel.Build(ManifestSet.FromText(Exporter + "\n---\n" + yaml)).Workloads.Single();

    private static string Service(string name, string ports, string extraSpec = "", string labels = "{}") =>
        $"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}, namespace: monitoring, labels: {labels}}}\nspec:\n  selector: {{app: app}}\n{extraSpec}  ports:\n{ports}";

    [Fact]
    public void Build_NoService_IsNotServing()
    {
        var workload = ClusterModel.Build(ManifestSet.FromText(Exporter)).Workloads.Single();

        workload.IsServing.ShouldBeFalse();
        workload.Serving.Reason.ShouldBe("not serving: no Service, Ingress or route sends it traffic");
        workload.ServingContainers.ShouldBeEmpty();
    }

    [Fact]
    public void Build_HeadlessServiceOnly_IsNotServingAndNeverBlamesKubeProxyForTraffic()
    {
        var workload = Only(Service("app", "    - {name: http, port: 8080, targetPort: http}\n", "  clusterIP: None\n"));

        workload.IsServing.ShouldBeFalse();
        workload.Serving.Uses.Single().Role.ShouldBe(ServiceRole.Headless);
        workload.Serving.Reason.ShouldBe("not serving: Service 'app' is headless (clusterIP: None: clients resolve pod IPs through DNS, kube-proxy does not program it)");
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("http-metrics")]
    [InlineData("https-metrics")]
    [InlineData("prometheus")]
    [InlineData("monitoring")]
    [InlineData("grpc-metrics")]
    public void Build_ServiceWithOnlyMetricsPorts_IsNotServing(string portName)
    {
        var workload = Only(Service("app-metrics", $"    - {{name: {portName}, port: 9100, targetPort: 9100}}\n"));

        workload.IsServing.ShouldBeFalse();
        workload.Serving.Reason.ShouldBe($"not serving: Service 'app-metrics' has only metrics ports ({portName})");
    }

    [Fact]
    public void Build_ServiceWithTrafficAndMetricsPorts_ServesOnlyTheContainerBehindTheTrafficPort()
    {
        var workload = Only(Service("app", "    - {name: http, port: 80, targetPort: http}\n    - {name: metrics, port: 9100, targetPort: metrics}\n"));

        workload.IsServing.ShouldBeTrue();
        workload.Serving.Reason.ShouldBe("serving: ClusterIP Service 'app' port http");
        workload.ServingContainers.Select(c => c.Name).ShouldBe(["app"]);
        workload.ReceivesTraffic(workload.Pod.Containers[1], new IntOrString(null, "metrics")).ShouldBe(false);
        workload.ReceivesTraffic(workload.Pod.Containers[0], new IntOrString(8080, null)).ShouldBe(true);
        workload.ReceivesTraffic(workload.Pod.Containers[0], new IntOrString(null, "undeclared")).ShouldBeNull();
    }

    private const string Monitor = """

        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: app, namespace: monitoring}
        spec:
          selector: {matchLabels: {scrape: "yes"}}
          endpoints:
            - port: http
              path: /metrics
        """;

    [Fact]
    public void Build_AppServiceAServiceMonitorScrapes_StillServes()
    {
        // Most apps expose /metrics on the port their users call: being scraped does not make a Service a monitoring one.
        var workload = Only(Service("app", "    - {name: http, port: 80, targetPort: http}\n", labels: "{scrape: \"yes\"}") + Monitor);

        workload.IsServing.ShouldBeTrue();
    }

    [Theory]
    [InlineData("app-exporter", "{scrape: \"yes\"}")]
    [InlineData("app", "{scrape: \"yes\", app.kubernetes.io/component: exporter}")]
    public void Build_ExporterServiceScrapedOnEveryPort_IsNotServing(string name, string labels)
    {
        var workload = Only(Service(name, "    - {name: http, port: 80, targetPort: http}\n", labels: labels) + Monitor);

        workload.IsServing.ShouldBeFalse();
        workload.Serving.Uses.Single().Role.ShouldBe(ServiceRole.MonitoringOnly);
        workload.Serving.Reason.ShouldBe($"not serving: Service '{name}' is a monitoring Service scraped by ServiceMonitor 'app'");
    }

    [Fact]
    public void Build_IngressToHeadlessService_Serves()
    {
        // Ingress controllers route to the endpoints themselves, so a headless backend still carries user traffic.
        var ingress = "\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: monitoring}\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: app, port: {name: http}}}\n";
        var workload = Only(Service("app", "    - {name: http, port: 8080, targetPort: http}\n", "  clusterIP: None\n") + ingress);

        workload.IsServing.ShouldBeTrue();
        workload.Serving.Reason.ShouldBe("serving: Ingress 'web' -> headless Service 'app'");
    }

    [Fact]
    public void Analyze_IngressToHeadlessService_HasNoKubeProxyPlane()
    {
        // kube-proxy programs nothing for a headless Service; the ingress controller routes to the pod IPs itself.
        var ingress = "\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: monitoring}\nspec:\n  ingressClassName: nginx\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend: {service: {name: app, port: {name: http}}}\n";
        var yaml = Exporter + "\n---\n" + Service("app", "    - {name: http, port: 8080, targetPort: http}\n", "  clusterIP: None\n") + ingress;

        var budget = Analyzer.Analyze(ManifestSet.FromText(yaml)).Budgets.Single();

        budget.Profile.Profile.Id.ShouldBe("ingress-nginx");
        budget.Planes.ShouldNotBeEmpty();
        budget.Planes.ShouldAllBe(p => p.Kind != Handoff.Analysis.Timing.PlaneKind.KubeProxy);
    }

    private const string ShellWorker = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: worker, namespace: jobs}
        spec:
          replicas: 2
          selector: {matchLabels: {app: worker}}
          template:
            metadata: {labels: {app: worker}}
            spec:
              containers:
                - name: worker
                  image: example/worker:1
                  command: ["sh", "-c", "python worker.py"]
        """;

    [Fact]
    public void Analyze_ShellFormCommandOnAWorkloadThatServesNothing_DropsToInfoWithTheReason()
    {
        var result = Analyzer.Analyze(ManifestSet.FromText(ShellWorker));

        var finding = result.Findings.Single(f => f.RuleId == "HO401");
        finding.Severity.ShouldBe(Severity.Info);
        finding.Message.ShouldEndWith("(Info: Deployment 'worker' is not serving: no Service, Ingress or route sends it traffic.)");
    }

    [Fact]
    public void Analyze_ShellFormCommandOnAServingContainer_StaysAnError()
    {
        var service = "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: worker, namespace: jobs}\nspec:\n  selector: {app: worker}\n  ports: [{name: http, port: 80}]\n";

        var result = Analyzer.Analyze(ManifestSet.FromText(ShellWorker + service));

        result.Findings.Single(f => f.RuleId == "HO401").Severity.ShouldBe(Severity.Error);
    }

    [Fact]
    public void Analyze_ShellFormCommandOnAnExporterSidecarOfAServingWorkload_DropsToInfoNamingTheContainer()
    {
        var sidecar = Exporter.Replace("image: example/exporter:1", "image: example/exporter:1\n          command: [\"sh\", \"-c\", \"exporter --port 9100\"]", StringComparison.Ordinal);
        var yaml = sidecar + "\n---\n" + Service("app", "    - {name: http, port: 80, targetPort: http}\n    - {name: metrics, port: 9100, targetPort: metrics}\n");

        var finding = Analyzer.Analyze(ManifestSet.FromText(yaml)).Findings.Single(f => f.RuleId == "HO401");

        finding.Container.ShouldBe("exporter");
        finding.Severity.ShouldBe(Severity.Info);
        finding.Message.ShouldEndWith("(Info: no Service port carrying user traffic targets container 'exporter'.)");
    }

    [Fact]
    public void Analyze_MetricsOnlyService_BringsNoTrafficRule()
    {
        var result = Analyzer.Analyze(ManifestSet.FromText(Exporter + "\n---\n" + Service("app-metrics", "    - {name: metrics, port: 9100, targetPort: metrics}\n")));

        result.Findings.Select(f => f.RuleId).ShouldNotContain("HO101");
        result.Findings.Select(f => f.RuleId).ShouldNotContain("HO301");
    }

    [Fact]
    public void Scope_TrafficRulesAreDeclaredOnTheirDescriptors()
    {
        RuleCatalog.Find("HO101")!.Descriptor.Scope.ShouldBe(RuleScope.ServingContainer);
        RuleCatalog.Find("HO301")!.Descriptor.Scope.ShouldBe(RuleScope.ServingContainer);
        RuleCatalog.Find("HO401")!.Descriptor.Scope.ShouldBe(RuleScope.ServingContainer);
        RuleCatalog.Find("HO201")!.Descriptor.Scope.ShouldBe(RuleScope.ServingWorkload);
        RuleCatalog.Find("HO206")!.Descriptor.Scope.ShouldBe(RuleScope.AnyWorkload);
    }
}
