using System.Text.Json;
using System.Xml.Linq;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Tests.Explain;

public class ExplainTests
{
    private const string Seed000Shape = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: frontend
        spec:
          replicas: 10
          strategy:
            type: RollingUpdate
            rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
          selector:
            matchLabels: {app: frontend}
          template:
            metadata:
              labels: {app: frontend}
              annotations: {handoff.dev/drain-seconds: "30"}
            spec:
              terminationGracePeriodSeconds: 210
              containers:
              - name: frontend
                image: example/frontend:1
                ports: [{containerPort: 8080}]
                lifecycle: {preStop: {sleep: {seconds: 120}}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: frontend}
        spec:
          selector: {app: frontend}
          ports: [{port: 80, targetPort: 8080}]
        """;

    private static IReadOnlyList<WorkloadTimeline> Timelines(string text, double rps = 100) =>
        WorkloadTimeline.FromAnalysis(Analyzer.Analyze(ManifestSet.FromText(text)), rps, podStartSeconds: 10);

    [Fact]
    public void Simulate_SeedTenReplicasWith120sPreStop_CostsPodsNotTwentyMinutes()
    {
        // Seed 000 says 10 replicas with a 120 s preStop make a sequential rollout take 20 extra minutes.
        var parameters = new RolloutParameters(Replicas: 10, MaxSurge: 1, MaxUnavailable: 0, MinReadySeconds: 0, PodStartSeconds: 10, TerminationSeconds: 150);

        var actual = RolloutSimulator.Simulate(parameters);
        var waiting = RolloutSimulator.Simulate(parameters, ReplacementPolicy.TerminationComplete);

        // Every release: one new pod every 10 s, old pods linger in preStop side by side.
        actual.CompleteSeconds.ShouldBe(100);
        actual.OldPodsGoneSeconds.ShouldBe(250);
        actual.PeakTerminating.ShouldBe(10);
        actual.PeakPods.ShouldBe(20); // 10 new + 10 in preStop at t=100 s

        // Only if replacements waited for terminating pods (KEP-3973 TerminationComplete) does preStop add up.
        waiting.CompleteSeconds.ShouldBe(10 * 10 + (9 * 150));
        waiting.PeakPods.ShouldBe(11);
        (waiting.CompleteSeconds - actual.CompleteSeconds).ShouldBeGreaterThan(20 * 60);
    }

    [Fact]
    public void Simulate_Recreate_WaitsForOldPodsBeforeStartingNewOnes()
    {
        var cost = RolloutSimulator.Simulate(new RolloutParameters(3, 0, 0, 0, 10, 30, Recreate: true));

        cost.CompleteSeconds.ShouldBe(40);
        cost.PeakPods.ShouldBe(3);
    }

    [Fact]
    public void From_NaiveDeployment_ShowsTenSecondsOfExposureAndThousandFailuresAt100Rps()
    {
        var naive = File.ReadAllText(Path.Combine(Fixes.FixPlannerTests.RepoRoot(), "samples", "deploy", "naive.yaml"));

        var t = Timelines(naive).Single();

        t.PreStopSeconds.ShouldBe(0);
        t.SigtermAtSeconds.ShouldBe(0);
        t.SigkillAtSeconds.ShouldBe(30);
        t.PropagationSeconds.ShouldBe(10);
        t.ExposureSeconds.ShouldBe(10);
        t.ExpectedFailedRequests.ShouldBe(1000);
        t.Rollout!.MaxSurge.ShouldBe(1);
        t.Rollout.MaxUnavailable.ShouldBe(0);
    }

    [Fact]
    public void Write_Json_HasTheContractFieldsPerWorkload()
    {
        using var stream = new MemoryStream();
        TimelineJson.Write(Timelines(Seed000Shape), stream);

        using var doc = JsonDocument.Parse(stream.ToArray());
        var w = doc.RootElement.GetProperty("workloads")[0];
        w.GetProperty("name").GetString().ShouldBe("frontend");
        w.GetProperty("preStopSeconds").GetDouble().ShouldBe(120);
        w.GetProperty("gracePeriodSeconds").GetDouble().ShouldBe(210);
        w.GetProperty("sigtermAtSeconds").GetDouble().ShouldBe(120);
        w.GetProperty("sigkillAtSeconds").GetDouble().ShouldBe(210);
        w.GetProperty("propagationSeconds").GetDouble().ShouldBe(10);
        w.GetProperty("exposureSeconds").GetDouble().ShouldBe(0);
        w.GetProperty("rollout").GetProperty("terminationStarted").GetProperty("peakPods").GetInt32().ShouldBe(20);
        w.GetProperty("rollout").GetProperty("sequentialPreStopSeconds").GetDouble().ShouldBe(1200);
    }

    [Fact]
    public void Create_Svg_DrawsBothTracksTheAxisAndTheShadedExposure()
    {
        var naive = File.ReadAllText(Path.Combine(Fixes.FixPlannerTests.RepoRoot(), "samples", "deploy", "naive.yaml"));

        var text = TimelineSvg.Create(Timelines(naive)).ToString();
        var svg = XDocument.Parse(text);
        XNamespace ns = "http://www.w3.org/2000/svg";

        svg.Root!.Name.ShouldBe(ns + "svg");
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        texts.ShouldContain("Track A: kubelet");
        texts.ShouldContain("Track B: kube-proxy");
        texts.ShouldContain("SIGTERM 0 s");
        texts.ShouldContain("SIGKILL 30 s");
        texts.ShouldContain("10 s");
        texts.ShouldContain(t => t.StartsWith("exposure 10 s"));
        var exposure = svg.Descendants(ns + "rect").Single(r => (string?)r.Attribute("class") == "exposure");
        double.Parse((string)exposure.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        svg.Descendants(ns + "line").Count(l => (string?)l.Attribute("class") == "tick").ShouldBeGreaterThan(3);
    }

    [Fact]
    public void Create_SvgWithoutExposure_HasNoShadedWindow()
    {
        var svg = XDocument.Parse(TimelineSvg.Create(Timelines(Seed000Shape)).ToString());

        svg.Descendants().Where(e => (string?)e.Attribute("class") == "exposure").ShouldBeEmpty();
        svg.Descendants().Where(e => (string?)e.Attribute("class") == "prestop").ShouldHaveSingleItem();
    }

    [Fact]
    public void Create_SvgForAWebSocketService_DrawsTheLongLivedWindowAndWhatSigkillCuts()
    {
        // The Helm chat chart of HO111's fixtures: preStop 5 s, default grace 30 s, a ws Service port.
        var chat = File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "rules", "HO111", "fire-helm-chat-ws-service.yaml"));
        var timeline = Timelines(chat).Single();

        // Seed 001's 60 s floor less preStop 5 s and buffer 10 s: the connections close from 5 s to 50 s; SIGKILL at 30 s cuts 20 s.
        timeline.LongLivedProtocols.ShouldBe("WebSocket");
        timeline.LongLivedDrainSeconds.ShouldBe(45);
        timeline.LongLivedEndsAtSeconds.ShouldBe(50);
        timeline.LongLivedCutSeconds.ShouldBe(20);

        var svg = XDocument.Parse(TimelineSvg.Create([timeline]).ToString());
        XNamespace ns = "http://www.w3.org/2000/svg";
        svg.Descendants(ns + "text").Select(t => t.Value).ShouldContain("Track A: WebSocket");
        var window = svg.Descendants(ns + "rect").Single(r => (string?)r.Attribute("class") == "long-lived-drain");
        window.Element(ns + "title")!.Value.ShouldBe("long-lived drain window 45 s (5-50 s)");
        svg.Descendants(ns + "rect").Single(r => (string?)r.Attribute("class") == "long-lived-cut").Element(ns + "title")!.Value.ShouldBe("cut by SIGKILL: 20 s of the window");

        using var stream = new MemoryStream();
        TimelineJson.Write([timeline], stream);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var longLived = doc.RootElement.GetProperty("workloads")[0].GetProperty("longLived");
        longLived.GetProperty("drainSeconds").GetDouble().ShouldBe(45);
        longLived.GetProperty("cutAtSigkillSeconds").GetDouble().ShouldBe(20);
    }

    [Fact]
    public void Create_SvgForAPlainHttpService_HasNoLongLivedLane()
    {
        var svg = XDocument.Parse(TimelineSvg.Create(Timelines(Seed000Shape)).ToString());

        svg.Descendants().Where(e => (string?)e.Attribute("class") == "long-lived-drain").ShouldBeEmpty();
    }
}
