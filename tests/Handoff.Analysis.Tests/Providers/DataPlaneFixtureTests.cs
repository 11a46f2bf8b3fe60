using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Providers;

/// <summary>
/// Every data plane a user has (issue 13, point 2): LoadBalancer Services with real cloud annotations, a headless
/// StatefulSet, an Ingress with the legacy class annotation, one relying on the cluster's default IngressClass, and one
/// whose class no profile describes. Fixtures: tests/fixtures/providers/.
/// </summary>
public sealed class DataPlaneFixtureTests
{
    public static TheoryData<string, string, double, string> Cases() => new()
    {
        // fixture, inferred profile, P (slowest plane, seconds), a piece of the printed reason
        { "aws-nlb-ip.yaml", "aws-nlb", 10, "Service 'edge/edge-api' has annotation service.beta.kubernetes.io/aws-load-balancer-type: external" },
        { "aws-nlb-instance-local.yaml", "aws-nlb", 30, "Service 'ingress/tcp-gateway' has spec.loadBalancerClass 'service.k8s.aws/nlb'" },
        { "aws-clb-local.yaml", "aws-clb", 60, "Service 'shop/legacy-web' has annotation service.beta.kubernetes.io/aws-load-balancer-connection-draining-enabled" },
        { "aws-clb-cluster.yaml", "aws-clb", 10, "Service 'shop/legacy-admin' has annotation service.beta.kubernetes.io/aws-load-balancer-internal" },
        { "gke-l4-rbs.yaml", "gke-l4", 24, "Service 'payments/checkout' has annotation cloud.google.com/l4-rbs: enabled" },
        { "azure-internal.yaml", "azure-lb", 30, "Service 'retail/orders' has annotation service.beta.kubernetes.io/azure-load-balancer-health-probe-interval" },
        { "metallb-l2.yaml", "metallb", 10, "Service 'home/homeassistant' has annotation metallb.universe.tf/address-pool: lan-pool" },
        { "lb-unannotated.yaml", "cloud-l4", 10, "Service 'default/echo' has spec.type 'LoadBalancer' and no provider annotation" },
        { "headless-statefulset.yaml", "headless-dns", 35, "Service 'data/cassandra-headless' has spec.clusterIP 'None'" },
        { "ingress-legacy-annotation.yaml", "ingress-nginx", 10, "Ingress 'web/storefront' has annotation kubernetes.io/ingress.class: nginx" },
        { "ingress-default-class.yaml", "ingress-nginx", 10, "IngressClass 'public' has annotation ingressclass.kubernetes.io/is-default-class: true and IngressClass 'public' has spec.controller 'k8s.io/ingress-nginx'" },
        { "ingress-unknown-class.yaml", "kube-proxy-small", 10, "default: no profile describes Ingress 'web/wiki' (class 'traefik')" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Analyze_Fixture_InfersTheProfileFromItsDataPlaneAndSaysWhy(string fixture, string profile, double propagation, string reason)
    {
        var result = Analyze(fixture);

        result.Errors.ShouldBeEmpty();
        var budget = result.Budgets.ShouldHaveSingleItem();
        budget.Profile.Profile.Id.ShouldBe(profile);
        budget.Profile.Reason.ShouldContain(reason);
        budget.PropagationSeconds.ShouldBe(propagation);
    }

    [Fact]
    public void NlbWithIpTargets_HealthCheckFromItsAnnotations_AndTheDeregistrationDelayBelowDrainIsReported()
    {
        var result = Analyze("aws-nlb-ip.yaml");
        var budget = result.Budgets.Single();

        var plane = budget.Planes.Single(p => p.Kind == PlaneKind.CloudL4);
        plane.Latency.ShouldBe(new Latency(5, 10));
        plane.Source.ShouldContain("IP targets");
        plane.Source.ShouldContain("every 5 s (set) x 2 failures (set)");
        var delay = budget.Relations.DeregistrationDelays.ShouldHaveSingleItem();
        delay.Delay.Value.ShouldBe(15);
        delay.LoadBalancer.ShouldBe("NLB");
        var finding = result.Findings.Where(f => f.RuleId == "HO502").ShouldHaveSingleItem();
        finding.Message.ShouldContain("the NLB ends deregistration");
        finding.Object.Kind.ShouldBe("Service");
    }

    [Fact]
    public void NlbInstanceTargetsWithLocalPolicy_UseTheControllersDefaults_AndAShortPreStopIsReported()
    {
        var result = Analyze("aws-nlb-instance-local.yaml");
        var plane = result.Budgets.Single().Planes.Single(p => p.Kind == PlaneKind.CloudL4);

        plane.Latency.ShouldBe(new Latency(20, 30));
        plane.Source.ShouldContain("externalTrafficPolicy Local (health check on the health-check node port 32100)");
        plane.Source.ShouldContain("every 10 s (default) x 3 failures (default)");
        result.Findings.Select(f => f.RuleId).ShouldContain("HO102");
    }

    [Fact]
    public void ClusterTrafficPolicyWithNodeTargets_LeavesItToKubeProxy_AndSaysSo()
    {
        var budget = Analyze("aws-clb-cluster.yaml").Budgets.Single();

        var plane = budget.Planes.Single(p => p.Kind == PlaneKind.CloudL4);
        plane.Latency.ShouldBe(Latency.Exactly(0));
        plane.Source.ShouldContain("kube-proxy forwards");
        budget.Planes.MaxBy(p => p.PropagationSeconds)!.Kind.ShouldBe(PlaneKind.KubeProxy);
    }

    [Fact]
    public void Headless_HasOnlyADnsPlane_AndNoMessageClaimsKubeProxySendsItTraffic()
    {
        var result = Analyze("headless-statefulset.yaml");

        var plane = result.Budgets.Single().Planes.ShouldHaveSingleItem();
        plane.Kind.ShouldBe(PlaneKind.Dns);
        plane.Latency.ShouldBe(new Latency(5, 35));
        result.Findings.Select(f => f.Message).Where(m => m.Contains("kube-proxy", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public void ProfileOption_OnALoadBalancerService_KeepsTheHealthCheckSettingsWrittenOnTheService()
    {
        var text = File.ReadAllText(Path.Combine(Dir, "azure-internal.yaml"));

        var result = Analyzer.Analyze(ManifestSet.FromText(text, "azure-internal.yaml"), new AnalysisOptions { Profile = "cloud-l4" });

        // The profile's defaults (10 s x 6) give way to what the Service sets (probe interval 10 s, 3 probes).
        var plane = result.Budgets.Single().Planes.Single(p => p.Kind == PlaneKind.CloudL4);
        plane.Latency.ShouldBe(new Latency(20, 30));
        plane.Source.ShouldContain("every 10 s (set) x 3 failures (set)");
        result.Profile.Reason.ShouldBe("chosen with --profile");
    }

    private static string Dir => Path.Combine(RepoPaths.Fixtures, "providers");

    private static AnalysisResult Analyze(string fixture) =>
        Analyzer.Analyze(ManifestSet.Load([Path.Combine(Dir, fixture)]));
}
