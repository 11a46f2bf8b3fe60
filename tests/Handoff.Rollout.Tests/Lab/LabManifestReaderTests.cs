using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

public class LabManifestReaderTests
{
    [Fact]
    public void Read_NaiveFixture_TakesDefaultsOfTheApi()
    {
        var spec = LabManifestReader.Read(TestPaths.Fixture("naive.yaml"));

        spec.Name.ShouldBe("frontend");
        spec.Replicas.ShouldBe(3);
        spec.Recreate.ShouldBeFalse();
        spec.MaxSurge.ShouldBe(1, "25% of 3 rounds up");
        spec.MaxUnavailable.ShouldBe(0, "25% of 3 rounds down");
        spec.GracePeriod.ShouldBe(TimeSpan.FromSeconds(30));
        spec.PreStop.ShouldBeNull();
        spec.Readiness.ShouldBe(new LabProbe("/", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1, 3));
        spec.Startup.ShouldBeNull();
        spec.ContainerPort.ShouldBe(8080);
        spec.Notes.ShouldContain(n => n.Contains("liveness"));
    }

    [Fact]
    public void Read_RecommendedFixture_ReadsSleepActionStrategyAndNamedProbePorts()
    {
        var spec = LabManifestReader.Read(TestPaths.Fixture("recommended.yaml"));

        spec.MaxSurge.ShouldBe(1);
        spec.MaxUnavailable.ShouldBe(0);
        spec.MinReady.ShouldBe(TimeSpan.FromSeconds(5));
        spec.GracePeriod.ShouldBe(TimeSpan.FromSeconds(45));
        spec.PreStop.ShouldBe(new LabPreStop(LabPreStopKind.Sleep, TimeSpan.FromSeconds(10), null, "sleep action 10 s"));
        spec.Readiness!.Path.ShouldBe("/healthz/ready");
        spec.Readiness.Period.ShouldBe(TimeSpan.FromSeconds(2));
        spec.Startup!.Path.ShouldBe("/healthz/startup");
        spec.Startup.FailureThreshold.ShouldBe(30);
    }

    [Theory]
    [InlineData("[\"sleep\", \"7\"]", 7)]
    [InlineData("[\"/bin/sh\", \"-c\", \"sleep 4\"]", 4)]
    [InlineData("[\"sh\", \"-c\", \"/bin/sleep 2.5\"]", 2.5)]
    public void Parse_ExecSleepPreStop_BecomesASleep(string command, double seconds)
    {
        var spec = LabManifestReader.Parse(Deployment($"lifecycle: {{preStop: {{exec: {{command: {command}}}}}}}"), "m.yaml");

        spec.PreStop!.Kind.ShouldBe(LabPreStopKind.Sleep);
        spec.PreStop.Duration.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Parse_ExecPreStopThatIsNotASleep_FailsWithLineUnlessDeclared()
    {
        var yaml = Deployment("lifecycle: {preStop: {exec: {command: [\"/app/drain.sh\"]}}}");

        var error = Should.Throw<LabManifestException>(() => LabManifestReader.Parse(yaml, "m.yaml"));
        error.ToString().ShouldStartWith("m.yaml:");
        error.Line.ShouldBeGreaterThan(1);
        error.Message.ShouldContain("handoff.dev/prestop-seconds");

        var declared = LabManifestReader.Parse(yaml.Replace("    spec:\n", "    metadata: {annotations: {handoff.dev/prestop-seconds: \"6\"}}\n    spec:\n"), "m.yaml");
        declared.PreStop!.Duration.ShouldBe(TimeSpan.FromSeconds(6));
    }

    [Fact]
    public void Parse_HttpGetPreStop_IsCalledOnThePod()
    {
        var spec = LabManifestReader.Parse(Deployment("lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}"), "m.yaml");

        spec.PreStop!.Kind.ShouldBe(LabPreStopKind.HttpGet);
        spec.PreStop.Path.ShouldBe("/drain");
    }

    [Theory]
    [InlineData("env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k}}}]", "valueFrom the lab cannot resolve")]
    [InlineData("readinessProbe: {exec: {command: [cat, /tmp/ready]}}", "exec and grpc probes")]
    [InlineData("ports: [{name: http, containerPort: 8080}]\n          readinessProbe: {httpGet: {path: /, port: admin}}", "'admin' is not a named port of the container (named: 'http')")]
    [InlineData("lifecycle: {preStop: {tcpSocket: {port: 8080}}}", "'sleep', 'exec' or 'httpGet'")]
    public void Parse_UnsupportedFeature_FailsWithAClearMessage(string containerYaml, string expected)
    {
        var error = Should.Throw<LabManifestException>(() => LabManifestReader.Parse(Deployment(containerYaml), "m.yaml"));

        error.Message.ShouldContain(expected);
        error.Line.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Parse_DownwardApiEnv_ResolvesPodNameNamespaceAndIp()
    {
        var spec = LabManifestReader.Parse(Deployment("env: [{name: A, value: x}, {name: P, valueFrom: {fieldRef: {fieldPath: metadata.name}}}, {name: N, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}, {name: I, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]"), "m.yaml");

        spec.Environment.ShouldBe([new("A", "x"), new("P", "{pod}"), new("N", "default"), new("I", "127.0.0.1")]);
    }

    [Fact]
    public void Parse_TwoContainers_FailsBecauseAPodIsOneProcess()
    {
        var yaml = Deployment("ports: [{containerPort: 8080}]").Replace("      containers:\n", "      containers:\n        - name: sidecar\n          image: envoy\n");

        Should.Throw<LabManifestException>(() => LabManifestReader.Parse(yaml, "m.yaml")).Message.ShouldContain("2 containers");
    }

    [Fact]
    public void Parse_NoDeployment_FailsAndNamesWhatIsMissing()
    {
        Should.Throw<LabManifestException>(() => LabManifestReader.Parse("kind: Service\nmetadata: {name: x}\n", "s.yaml"))
            .Message.ShouldBe("The manifest has no Deployment; the lab runs one Deployment.");
    }

    [Fact]
    public void Parse_InvalidYaml_FailsWithLineAndColumnInCheckWords()
    {
        const string yaml = "apiVersion: apps/v1\nkind: Deployment\nspec: [\n";
        var check = Handoff.Analysis.Manifests.ManifestSet.FromText(yaml, "bad.yaml").Errors.ShouldHaveSingleItem();

        var error = Should.Throw<LabManifestException>(() => LabManifestReader.Parse(yaml, "bad.yaml"));

        error.ToString().ShouldBe(check.ToString(), "lab and check read manifests with the same reader");
        error.Line.ShouldBe(4);
        error.Column.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Parse_KindList_FindsTheDeploymentInside()
    {
        var yaml = "apiVersion: v1\nkind: List\nitems:\n" + string.Join('\n', Deployment("ports: [{containerPort: 8080}]").Split('\n').Select(l => l.Length == 0 ? l : "  " + l)).Replace("  apiVersion: apps/v1", "- apiVersion: apps/v1");

        var spec = LabManifestReader.Parse(yaml, "list.yaml");

        spec.Name.ShouldBe("web");
        spec.ContainerPort.ShouldBe(8080);
    }

    [Fact]
    public void Parse_AliasBomb_IsRefusedAsCheckRefusesIt()
    {
        var lines = new List<string> { "a: &a [x, x, x, x, x, x, x, x, x]" };
        var previous = "a";
        foreach (var name in new[] { "b", "c", "d", "e", "f", "g", "h", "i" })
        {
            lines.Add($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + previous, 9))}]");
            previous = name;
        }

        var error = Should.Throw<LabManifestException>(() => LabManifestReader.Parse(string.Join('\n', lines) + "\n", "bomb.yaml"));

        error.Message.ShouldContain("alias bomb");
    }

    [Theory]
    [InlineData("{type: Recreate}", true, 0, 4)]
    [InlineData("{rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}", false, 0, 1)]
    [InlineData("{rollingUpdate: {maxSurge: 50%, maxUnavailable: 50%}}", false, 2, 2)]
    [InlineData("{rollingUpdate: {maxSurge: 10%, maxUnavailable: 10%}}", false, 1, 0)]
    public void Parse_Strategy_ResolvesLikeTheDeploymentController(string strategy, bool recreate, int surge, int unavailable)
    {
        var yaml = Deployment("ports: [{containerPort: 8080}]").Replace("  replicas: 3\n", $"  replicas: 4\n  strategy: {strategy}\n");

        var spec = LabManifestReader.Parse(yaml, "m.yaml");

        (spec.Recreate, spec.MaxSurge, spec.MaxUnavailable).ShouldBe((recreate, surge, unavailable));
    }

    [Fact]
    public void Parse_ProbeOnAnUndeclaredPortNumber_GetsAPortOfItsOwn()
    {
        // Kubernetes does not require a probe's port to be declared; the lab gives it a loopback port all the same.
        var spec = LabManifestReader.Parse(Deployment("ports: [{containerPort: 8080}]\n          readinessProbe: {httpGet: {path: /ready, port: 9090}}\n          lifecycle: {preStop: {httpGet: {path: /drain, port: 8080}}}"), "m.yaml");

        spec.Ports.ShouldBe([new LabPort(null, 8080), new LabPort(null, 9090)]);
        spec.Readiness!.Port.ShouldBe(9090);
        spec.PreStop!.Port.ShouldBeNull("the hook calls the traffic port");
    }

    private static string Deployment(string containerYaml) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
          template:
            spec:
              containers:
                - name: web
                  image: app
                  {containerYaml}

        """;
}

public class LabManifestReaderSampleTests
{
    [Fact]
    public void Read_InAppDelayFixture_PassesTheLibrarysEnvAndHasNoPreStop()
    {
        var spec = LabManifestReader.Read(TestPaths.Fixture("in-app-delay.yaml"));

        spec.PreStop.ShouldBeNull();
        spec.GracePeriod.ShouldBe(TimeSpan.FromSeconds(40));
        spec.Environment.ShouldContain(new KeyValuePair<string, string>("Handoff__ShutdownDelay__Mode", "Fixed"));
        spec.Environment.ShouldContain(new KeyValuePair<string, string>("Handoff__ShutdownDelay__Seconds", "10"));
        spec.Environment.ShouldContain(new KeyValuePair<string, string>("HANDOFF_POD_NAME", "{pod}"));
    }

    [Fact]
    public void Read_ManagementPortFixture_GivesTheProbesTheirOwnPort()
    {
        var spec = LabManifestReader.Read(TestPaths.Fixture("management-port.yaml"));

        spec.ContainerPort.ShouldBe(8080);
        spec.Ports.ShouldBe([new LabPort("http", 8080), new LabPort("management", 8081)]);
        spec.Readiness!.Port.ShouldBe(8081);
        spec.Startup!.Port.ShouldBe(8081);
    }
}
