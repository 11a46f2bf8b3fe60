using Handoff.Analysis.Fixes;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Rules;

/// <summary>HO111 beyond its fixtures: what counts as a long-lived sign, the numbers in the message, and its fix.</summary>
public sealed class LongLivedGraceTests
{
    private static string Fixture(string name) => Path.Combine(RepoPaths.Fixtures, "rules", "HO111", name);

    private static AnalysisResult Analyze(string text, string path = "app.yaml") =>
        Analyzer.Analyze(ManifestSet.Parse([new SourceFile(path, text, SourceKind.Manifest)]));

    private static string App(string servicePort, string podAnnotations = "{}", string grace = "", string containerPorts = "[{containerPort: 8080}]", string extra = "")
    {
        var graceLine = grace.Length > 0 ? "terminationGracePeriodSeconds: " + grace : "dnsPolicy: ClusterFirst";
        return $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app, namespace: ns}
        spec:
          replicas: 2
          selector: {matchLabels: {app: app}}
          template:
            metadata: {labels: {app: app}, annotations: {{{podAnnotations}}}}
            spec:
              {{{graceLine}}}
              containers:
                - name: app
                  image: app:1
                  ports: {{{containerPorts}}}
                  lifecycle:
                    preStop:
                      sleep:
                        seconds: 5
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app, namespace: ns}
        spec:
          selector: {app: app}
          ports: [{{{servicePort}}}]
        {{{extra}}}
        """;
    }

    private static string IngressOf(string className, string annotation) => $$"""
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: app
          namespace: ns
          annotations:
            {{annotation}}
        spec:
          ingressClassName: {{className}}
          defaultBackend:
            service:
              name: app
              port: {number: 80}
        """;

    [Fact]
    public void Check_HelmChatServiceWithWsAppProtocol_SaysTheNumbersAndTheSeed()
    {
        var result = Analyzer.Analyze(ManifestSet.Load([Fixture("fire-helm-chat-ws-service.yaml")]));

        var finding = result.Findings.Single(f => f.RuleId == "HO111");
        finding.Message.ShouldBe(
            "Deployment 'chat' serves WebSocket connections (Service 'chat' port 'ws' has appProtocol 'kubernetes.io/ws'; container 'chat' port 'ws'), "
            + "and terminationGracePeriodSeconds is 30 s (the default): preStop and delay 5 s + long-lived drain 45 s + buffer 10 s need 60 s "
            + "(seed 001 gives WebSocket and long-poll services 60 s to 120 s of grace); connections still open at SIGKILL end abnormally "
            + "(WebSocket 1006, reset gRPC streams) and all their clients reconnect at once.");
        finding.Severity.ShouldBe(Severity.Warning);
        finding.Violation!.Nodes.Count.ShouldBe(2, "the appProtocol and the container port name");
    }

    [Fact]
    public void Check_DeclaredWindow_IsAnErrorWithTheDeclaredNumber()
    {
        var result = Analyzer.Analyze(ManifestSet.Load([Fixture("fire-declared-window.yaml")]));

        var finding = result.Findings.Single(f => f.RuleId == "HO111");
        finding.Severity.ShouldBe(Severity.Error);
        finding.Message.ShouldContain("(the 'handoff.dev/long-lived-drain-seconds' annotation)");
        finding.Message.ShouldContain("preStop and delay 10 s + declared long-lived drain 90 s + buffer 10 s need 110 s");
    }

    [Theory]
    [InlineData("{name: ws, port: 80, targetPort: 8080}", "WebSocket")]
    [InlineData("{name: http, port: 80, targetPort: 8080, appProtocol: kubernetes.io/wss}", "WebSocket")]
    [InlineData("{name: http, port: 80, targetPort: 8080, appProtocol: kubernetes.io/h2c}", "HTTP/2")]
    [InlineData("{name: grpc-api, port: 80, targetPort: 8080}", "gRPC")]
    [InlineData("{name: api, port: 80, targetPort: 8080, appProtocol: GRPC}", "gRPC")]
    public void Check_ServicePortSigns_FireWithTheirProtocol(string port, string protocol)
    {
        var finding = Analyze(App(port)).Findings.Single(f => f.RuleId == "HO111");

        finding.Message.ShouldContain($"serves {protocol} connections");
    }

    [Theory]
    [InlineData("{name: http, port: 80, targetPort: 8080}")]
    [InlineData("{name: news, port: 80, targetPort: 8080}")]
    [InlineData("{name: aws-http, port: 80, targetPort: 8080, appProtocol: http}")]
    public void Check_PlainHttpPorts_AreNotLongLived(string port)
    {
        Analyze(App(port)).Findings.ShouldNotContain(f => f.RuleId == "HO111");
    }

    [Theory]
    [InlineData("3600", true)]
    [InlineData("300", true)]
    [InlineData("120", false)]
    [InlineData("60", false)]
    public void Check_NginxProxyReadTimeout_CountsFromFiveMinutes(string seconds, bool longLived)
    {
        // A timeout raised to a minute or two is for slow requests; WebSocket guides raise it to an hour.
        var ingress = IngressOf("nginx", $"nginx.ingress.kubernetes.io/proxy-read-timeout: \"{seconds}\"");


        var findings = Analyze(App("{name: http, port: 80, targetPort: 8080}", extra: ingress)).Findings;

        findings.Any(f => f.RuleId == "HO111").ShouldBe(longLived);
    }

    [Fact]
    public void Check_WsPortOnAMetricsOnlyService_IsNotASign()
    {
        // The sign must be on a port that carries user traffic; a workload serving nothing is not evaluated.
        Analyze(App("{name: metrics, port: 9090, targetPort: 8080}", containerPorts: "[{containerPort: 8080, name: http}]")).Findings.ShouldNotContain(f => f.RuleId == "HO111");
    }

    [Fact]
    public void Check_AlbIdleTimeoutRaised_IsASign_AndTheFixRaisesGraceBelowIt()
    {
        var ingress = IngressOf("alb", "alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=300");
        var text = App("{name: http, port: 80, targetPort: 8080}", extra: ingress);

        var finding = Analyze(text).Findings.Single(f => f.RuleId == "HO111");
        finding.Message.ShouldContain("Ingress 'app' raises the ALB idle timeout to 300 s (default 60 s)");

        var fixedText = FixPlanner.Run(ManifestSet.Parse([new SourceFile("app.yaml", text, SourceKind.Manifest)]), new AnalysisOptions()).Files.Single().Text;
        fixedText.ShouldContain("terminationGracePeriodSeconds: 60");
        Analyze(fixedText).Findings.ShouldNotContain(f => f.RuleId == "HO111");
    }

    [Fact]
    public void Fix_BehindADefaultAlbIdleTimeout_CapsTheGraceBelowItAndSaysItIsPartial()
    {
        var ingress = IngressOf("alb", "alb.ingress.kubernetes.io/scheme: internet-facing");
        var text = App("{name: ws, port: 80, targetPort: 8080}", extra: ingress);

        var result = FixPlanner.Run(ManifestSet.Parse([new SourceFile("app.yaml", text, SourceKind.Manifest)]), new AnalysisOptions());

        // 60 s would reach the ALB's default idle timeout of 60 s (HO106): the fixer stops 1 s below and says so.
        result.Files.Single().Text.ShouldContain("terminationGracePeriodSeconds: 59");
        var fix = result.Applied.Single(f => f.RuleIds.Contains("HO111"));
        fix.IsPartial.ShouldBeTrue();
        fix.Description.ShouldContain("capped 1 s below the ALB idle timeout of 60 s");
        result.Unresolved.ShouldBeEmpty();
    }

    [Fact]
    public void Fix_GrpcStreamingFixture_RaisesGraceToPreStopPlusTheWindowAndCheckAgrees()
    {
        var text = File.ReadAllText(Fixture("fire-grpc-streaming-app-protocol.yaml"));

        var result = FixPlanner.Run(ManifestSet.Parse([new SourceFile("grpc.yaml", text, SourceKind.Manifest)]), new AnalysisOptions());

        // preStop 10 s + the window that brings the grace to seed 001's 60 s (40 s) + buffer 10 s.
        result.Files.Single().Text.ShouldContain("terminationGracePeriodSeconds: 60");
        result.Applied.Single(f => f.RuleIds.Contains("HO111")).Description.ShouldBe("Set terminationGracePeriodSeconds to 60 s: preStop and delay 10 s + drain 40 s + buffer 10 s.");
        result.After.Findings.ShouldNotContain(f => f.RuleId == "HO111");
    }

    [Fact]
    public void Budget_LongLivedDrain_IsTheDeclaredWindowOrTheSeedFloorLessPreStopAndBuffer()
    {
        var seed = Analyze(App("{name: ws, port: 80, targetPort: 8080}")).Budgets.Single();
        seed.LongLivedDrainSeconds.ShouldBe(LongLivedConnections.SeedGraceFloorSeconds - 5 - 10);

        var declared = Analyze(App("{name: http, port: 80, targetPort: 8080}", podAnnotations: "{handoff.dev/long-lived-drain-seconds: '2m'}")).Budgets.Single();
        declared.LongLivedDrainSeconds.ShouldBe(120);

        var none = Analyze(App("{name: ws, port: 80, targetPort: 8080}", podAnnotations: "{handoff.dev/long-lived-drain-seconds: '0'}")).Budgets.Single();
        none.LongLived.ShouldBeNull();
        none.LongLivedDrainSeconds.ShouldBeNull();
    }
}
