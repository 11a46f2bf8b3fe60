using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Providers;

public sealed class ProfileInferenceTests
{
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
                - name: web
                  image: web:1
        ---
        """ + "\n";

    private static string Service(string annotations = "") => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
        {annotations}
        spec:
          selector:
            app: web
          ports:
            - port: 80
        ---
        """ + "\n";

    private static string Ingress(string spec, string annotations = "") => $"""
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
        {annotations}
        spec:
        {spec}
          defaultBackend:
            service:
              name: web
              port:
                number: 80
        ---
        """ + "\n";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { Service("  annotations:\n    cloud.google.com/neg: '{\"ingress\": true}'"), "gke-neg", "Service 'shop/web' has annotation cloud.google.com/neg" },
        { Service("  annotations:\n    cloud.google.com/backend-config: '{\"default\": \"bc\"}'") + "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: bc\n  namespace: shop\n", "gke-neg", "Service 'shop/web' has annotation cloud.google.com/backend-config" },
        { Service() + "apiVersion: networking.gke.io/v1\nkind: GCPBackendPolicy\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  targetRef:\n    group: ''\n    kind: Service\n    name: web\n", "gke-neg", "GCPBackendPolicy 'shop/p' targets Service 'web' through spec.targetRef" },
        { Service() + "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gw\n  namespace: shop\nspec:\n  gatewayClassName: gke-l7-rilb\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: shop\nspec:\n  parentRefs:\n    - name: gw\n  rules:\n    - backendRefs:\n        - name: web\n          port: 80\n", "gke-neg", "Gateway 'shop/gw' has spec.gatewayClassName 'gke-l7-rilb'" },
        { Service() + "apiVersion: networking.gke.io/v1\nkind: GCPBackendPolicy\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  targetRef:\n    kind: Service\n    name: other\n", "kube-proxy-small", "default" },
        { Service() + Ingress("", "  annotations:\n    kubernetes.io/ingress.class: gce"), "gke-neg", "Ingress 'shop/web' has annotation kubernetes.io/ingress.class: gce" },
        { Service() + Ingress("  ingressClassName: alb"), "aws-alb", "Ingress 'shop/web' has spec.ingressClassName 'alb'" },
        { Service() + Ingress("", "  annotations:\n    alb.ingress.kubernetes.io/scheme: internal"), "aws-alb", "Ingress 'shop/web' has annotation alb.ingress.kubernetes.io/scheme" },
        { Service() + Ingress("  ingressClassName: alb") + "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: ingress.k8s.aws/alb\n", "aws-alb", "IngressClass 'alb' has spec.controller 'ingress.k8s.aws/alb'" },
        { Service() + Ingress("  ingressClassName: alb") + "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: ingress.k8s.alibabacloud/alb\n", "alibaba-alb", "IngressClass 'alb' has spec.controller 'ingress.k8s.alibabacloud/alb'" },
        { Service() + Ingress("  ingressClassName: alb") + "apiVersion: alibabacloud.com/v1\nkind: AlbConfig\nmetadata:\n  name: alb\n", "alibaba-alb", "AlbConfig 'default/alb' is in the input" },
        { Service() + Ingress("  ingressClassName: nginx"), "ingress-nginx", "Ingress 'shop/web' has spec.ingressClassName 'nginx'" },
        { Service() + Ingress("", "  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m"), "ingress-nginx", "annotation nginx.ingress.kubernetes.io/proxy-body-size" },
        { Service() + "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: shop\nspec:\n  rules:\n    - backendRefs:\n        - name: web\n          port: 80\n", "gateway", "HTTPRoute 'shop/r' targets a Service of the workload through spec.rules[].backendRefs (it routes through a Gateway)" },
        { Service(), "kube-proxy-small", "default" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Choose_WithoutProfileOption_InfersFromTheManifestsAndSaysWhy(string objects, string profile, string reason)
    {
        var model = ClusterModel.Build(ManifestSet.FromText(Deployment + objects));
        model.Errors.ShouldBeEmpty();

        var choice = ProfileCatalog.BuiltIn.Choose(null, model).ShouldNotBeNull();

        choice.Profile.Id.ShouldBe(profile);
        choice.Reason.ShouldContain(reason);
    }

    [Fact]
    public void Analyze_MixedProviders_ChoosesAProfilePerWorkload()
    {
        var samples = Path.Combine(RepoPaths.Samples, "deploy");

        var result = Analyzer.Analyze(ManifestSet.Load([samples]));

        var byNamespace = result.Budgets.GroupBy(b => b.Workload.Object.Namespace).ToDictionary(g => g.Key, g => g.Select(b => b.Profile.Profile.Id).Distinct().Single());
        byNamespace["shop-gke-ingress"].ShouldBe("gke-neg");
        byNamespace["shop-gke-gateway"].ShouldBe("gke-neg");
        byNamespace["shop-aws-alb"].ShouldBe("aws-alb");
        byNamespace["shop-alibaba-alb"].ShouldBe("alibaba-alb");
        byNamespace["default"].ShouldBe("kube-proxy-small");
        result.Profile.Reason.ShouldStartWith("chosen per workload");
        result.Findings.Where(f => f.Severity == Handoff.Analysis.Rules.Severity.Error).Select(f => f.Location.File).Distinct()
            .ShouldBe([Path.Combine(samples, "naive.yaml")], "only the naive sample has errors when all samples are checked together");
    }

    [Fact]
    public void Choose_ProfileOption_WinsOverInference()
    {
        var model = ClusterModel.Build(ManifestSet.FromText(Deployment + Service() + Ingress("  ingressClassName: alb")));

        ProfileCatalog.BuiltIn.Choose("alibaba-alb", model)!.Profile.Id.ShouldBe("alibaba-alb");
        ProfileCatalog.BuiltIn.Choose("no-such-profile", model).ShouldBeNull();
    }

    [Fact]
    public void All_ListsEveryProviderProfile()
    {
        ProfileCatalog.BuiltIn.Profiles.Select(p => p.Id).ShouldBe(["kube-proxy-small", "kube-proxy-medium", "kube-proxy-large", "gke-neg", "aws-alb", "alibaba-alb", "ingress-nginx", "gateway",
            "aws-nlb", "aws-clb", "gke-l4", "azure-lb", "metallb", "cloud-l4", "headless-dns"]);
    }

    [Fact]
    public void GkeNegPlanes_DependOnTheWorkloadsDrainingTimeout()
    {
        var text = Deployment + Service("  annotations:\n    cloud.google.com/backend-config: '{\"default\": \"bc\"}'")
            + "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: bc\n  namespace: shop\nspec:\n  connectionDraining:\n    drainingTimeoutSec: 45\n";
        var model = ClusterModel.Build(ManifestSet.FromText(text));

        var budget = TimeBudget.Compute(model.Workloads[0], model, ProfileCatalog.BuiltIn.Find("gke-neg")!);

        budget.PropagationSeconds.ShouldBe(105);
    }
}
