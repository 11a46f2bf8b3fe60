using Handoff.Analysis.Configuration;
using Handoff.Analysis.Explain;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Tests.Explain;

// Numbers worked by hand from the simulation (pods ready 3 s after creation, 250 req/s to the Service, drain 1 s).
public class RolloutLossTests
{
    private static string Deployment(string strategy, string preStop = "", int grace = 30) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 3
          strategy: {{strategy}}
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
              annotations: {handoff.dev/drain-seconds: "1"}
            spec:
              terminationGracePeriodSeconds: {{grace}}
              containers:
              - name: web
                image: example/web:1
                ports: [{containerPort: 8080}]
                {{preStop}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        """;

    private static RolloutLoss Loss(string text, string propagation)
    {
        var options = SettingsResolver.Resolve(new CommandLineSettings { Propagation = propagation }, null).Options;
        return WorkloadTimeline.FromAnalysis(Analyzer.Analyze(ManifestSet.FromText(text), options), 100, podStartSeconds: 3, serviceRequestsPerSecond: 250).Single().Loss!;
    }

    [Fact]
    public void Estimate_SurgeOneNoPreStop_FourEndpointsShareEachPodsLoss()
    {
        // Each old pod is deleted when its replacement is ready: 3 old + 1 new in the load balancer for its 2 s.
        var loss = Loss(Deployment("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"), "2s");

        loss.Pods.Count.ShouldBe(3);
        loss.Pods.ShouldAllBe(p => Math.Abs(p.EndpointsSharing - 4) < 1e-9 && Math.Abs(p.RefusedRequests - 125) < 1e-9 && p.CutRequests == 0);
        loss.NoEndpointSeconds.ShouldBe(0);
        loss.ExpectedFailedRequests.ShouldBe(375, tolerance: 1e-9);
    }

    [Fact]
    public void Estimate_UnavailableOneLongPropagation_TheShareGrowsWhenTheReplacementIsReady()
    {
        // maxSurge 0, maxUnavailable 1, P 4 s: old-1 leaves at once with 3 endpoints; its replacement is ready at 3 s,
        // so 250/3 x 3 s + 250/4 x 1 s = 312.5 requests.
        var loss = Loss(Deployment("{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}"), "4s");

        loss.Pods[0].RefusedRequests.ShouldBe(250.0 / 3 * 3 + 250.0 / 4 * 1, tolerance: 1e-6);
        loss.Pods[0].EndpointsSharing.ShouldBe(3.25, tolerance: 1e-6);
    }

    [Fact]
    public void Estimate_Recreate_CountsTheTimeWithoutAnyEndpoint()
    {
        // preStop 3 s >= P 2 s: no refusals; old pods leave the load balancer at 2 s, exit at 3 + 1 s (drain), the new
        // ones are ready 3 s later: 5 s without an endpoint, 1,250 requests.
        var loss = Loss(Deployment("{type: Recreate}", "lifecycle: {preStop: {sleep: {seconds: 3}}}"), "2s");

        loss.Pods.ShouldAllBe(p => p.ExpectedFailedRequests == 0);
        loss.NoEndpointSeconds.ShouldBe(5, tolerance: 1e-9);
        loss.ExpectedFailedRequests.ShouldBe(1250, tolerance: 1e-6);
    }

    [Fact]
    public void Estimate_GraceCutsSlowRequests_CountsWhatRunsAtSigkill()
    {
        // preStop 1 s, G 2 s: SIGTERM at 1 s, SIGKILL at 3 s (the kubelet's 2 s minimum); requests take D = 3 s, so
        // those accepted in [0, 1] s are still running at the kill; [1, 2] s are refused. 62.5 each at 4 endpoints.
        var text = Deployment("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", "lifecycle: {preStop: {sleep: {seconds: 1}}}", grace: 2)
            .Replace("handoff.dev/drain-seconds: \"1\"", "handoff.dev/drain-seconds: \"3\"", StringComparison.Ordinal);
        var loss = Loss(text, "2s");

        loss.Pods.ShouldAllBe(p => Math.Abs(p.RefusedRequests - 62.5) < 1e-9 && Math.Abs(p.CutRequests - 62.5) < 1e-9);
    }
    [Fact]
    public void Estimate_RangedPropagationAroundThePreStop_AveragesOverTheRange()
    {
        // P uniform in 1..4 s, S 2 s: a request u s after the deletion still reaches the pod with probability (4 - u) / 3.
        // The first old pod shares with 3 others until the next surge pod is ready at 3 s, then with 4:
        // 250/4 x 1.5/3 + 250/5 x 0.5/3 = 31.25 + 8.33 requests (r x (P - S) at the mean P would say 31.25 at E 4).
        var loss = Loss(Deployment("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}", "lifecycle: {preStop: {sleep: {seconds: 2}}}"), "1s..4s");

        loss.PropagationSeconds.ShouldBe(2.5);
        loss.Pods[0].RefusedRequests.ShouldBe(31.25 + 25.0 / 3, tolerance: 1e-6);
        loss.Pods[0].CutRequests.ShouldBe(0);
    }
}
