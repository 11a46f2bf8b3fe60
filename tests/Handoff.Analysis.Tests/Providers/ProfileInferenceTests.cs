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
        { Service() + "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: bc\n  namespace: shop\n", "gke-neg", "BackendConfig 'shop/bc' is a GKE load balancer setting" },
        { Service() + "apiVersion: networking.gke.io/v1\nkind: GCPBackendPolicy\nmetadata:\n  name: p\n  namespace: shop\n", "gke-neg", "GCPBackendPolicy 'shop/p'" },
        { Service() + "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gw\n  namespace: shop\nspec:\n  gatewayClassName: gke-l7-rilb\n", "gke-neg", "GatewayClass 'gke-l7-rilb'" },
        { Service() + Ingress("", "  annotations:\n    kubernetes.io/ingress.class: gce"), "gke-neg", "Ingress 'shop/web' has class 'gce'" },
        { Service() + Ingress("  ingressClassName: alb"), "aws-alb", "Ingress 'shop/web' has class 'alb'" },
        { Service() + Ingress("", "  annotations:\n    alb.ingress.kubernetes.io/scheme: internal"), "aws-alb", "alb.ingress.kubernetes.io/* annotations" },
        { Service() + Ingress("  ingressClassName: alb") + "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: ingress.k8s.aws/alb\n", "aws-alb", "controller ingress.k8s.aws/alb" },
        { Service() + Ingress("  ingressClassName: alb") + "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: alb\nspec:\n  controller: ingress.k8s.alibabacloud/alb\n", "alibaba-alb", "controller ingress.k8s.alibabacloud/alb" },
        { Service() + Ingress("  ingressClassName: alb") + "apiVersion: alibabacloud.com/v1\nkind: AlbConfig\nmetadata:\n  name: alb\n", "alibaba-alb", "AlbConfig" },
        { Service() + Ingress("  ingressClassName: nginx"), "ingress-nginx", "Ingress 'shop/web' has class 'nginx'" },
        { Service() + Ingress("", "  annotations:\n    nginx.ingress.kubernetes.io/proxy-body-size: 8m"), "ingress-nginx", "annotation nginx.ingress.kubernetes.io/proxy-body-size" },
        { Service() + "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: shop\nspec:\n  rules:\n    - backendRefs:\n        - name: web\n          port: 80\n", "gateway", "HTTPRoute 'shop/r' routes through a Gateway" },
        { Service(), "kube-proxy-small", "default" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Choose_WithoutProfileOption_InfersFromTheManifestsAndSaysWhy(string objects, string profile, string reason)
    {
        var model = ClusterModel.Build(ManifestSet.FromText(Deployment + objects));
        model.Errors.ShouldBeEmpty();

        var choice = Profiles.Choose(null, model).ShouldNotBeNull();

        choice.Profile.Id.ShouldBe(profile);
        choice.Reason.ShouldContain(reason);
    }

    [Fact]
    public void Choose_ProfileOption_WinsOverInference()
    {
        var model = ClusterModel.Build(ManifestSet.FromText(Deployment + Service() + Ingress("  ingressClassName: alb")));

        Profiles.Choose("alibaba-alb", model)!.Profile.Id.ShouldBe("alibaba-alb");
        Profiles.Choose("no-such-profile", model).ShouldBeNull();
    }

    [Fact]
    public void All_ListsEveryProviderProfile()
    {
        Profiles.All.Select(p => p.Id).ShouldBe(["kube-proxy-small", "kube-proxy-medium", "kube-proxy-large", "gke-neg", "aws-alb", "alibaba-alb", "ingress-nginx", "gateway"]);
    }

    [Fact]
    public void GkeNegPlanes_DependOnTheWorkloadsDrainingTimeout()
    {
        var text = Deployment + Service("  annotations:\n    cloud.google.com/backend-config: '{\"default\": \"bc\"}'")
            + "apiVersion: cloud.google.com/v1\nkind: BackendConfig\nmetadata:\n  name: bc\n  namespace: shop\nspec:\n  connectionDraining:\n    drainingTimeoutSec: 45\n";
        var model = ClusterModel.Build(ManifestSet.FromText(text));

        var budget = TimeBudget.Compute(model.Workloads[0], model, Profiles.Find("gke-neg")!);

        budget.PropagationSeconds.ShouldBe(105);
    }
}
