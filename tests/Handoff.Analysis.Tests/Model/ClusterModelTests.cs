using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Tests.Model;

public sealed class ClusterModelTests
{
    private static ClusterModel Build(string yaml) => ClusterModel.Build(ManifestSet.FromText(yaml));

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web, tier: front}}
            spec:
              containers:
                - name: istio-proxy
                  image: istio/proxyv2
                - name: app
                  image: web:1
                  ports: [{name: http, containerPort: 8080}]
                - name: metrics
                  image: exporter:1
                  ports: [{name: metrics, containerPort: 9100}]
        """;

    [Theory]
    [InlineData("targetPort: http", "app")]
    [InlineData("targetPort: 8080", "app")]
    [InlineData("targetPort: 9100", "metrics")]
    public void Build_ServiceTargetPort_PicksTheServingContainer(string targetPort, string expected)
    {
        var model = Build(Deployment + $"\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: web, namespace: shop}}\nspec:\n  selector: {{app: web}}\n  ports:\n    - port: 80\n      {targetPort}\n");

        model.Workloads.Single().ServingContainers.Select(c => c.Name).ShouldBe([expected]);
    }

    [Fact]
    public void Build_UndeclaredPorts_FallBackToTheFirstNonSidecarContainer()
    {
        var model = Build(Deployment + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 3000}]\n");

        model.Workloads.Single().ServingContainers.Single().Name.ShouldBe("app");
    }

    [Theory]
    [InlineData("namespace: shop", "app: web", true)]
    [InlineData("namespace: other", "app: web", false)]
    [InlineData("namespace: shop", "app: api", false)]
    [InlineData("namespace: shop", "tier: front", true)]
    public void Build_ServiceSelector_LinksWithinTheNamespaceOnly(string ns, string selector, bool serving)
    {
        var model = Build(Deployment + $"\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: web, {ns}}}\nspec:\n  selector: {{{selector}}}\n  ports: [{{port: 80}}]\n");

        model.Workloads.Single().IsServing.ShouldBe(serving);
    }

    [Fact]
    public void Build_NoNamespace_MeansDefault()
    {
        var model = Build("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {a: b}, ports: [{port: 1}]}\n");

        model.Services.Single().Object.Namespace.ShouldBe("default");
    }

    [Fact]
    public void Build_IngressAndRoute_ReachTheWorkloadThroughItsService()
    {
        var model = Build(Deployment + """

            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web-svc, namespace: shop}
            spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              ingressClassName: nginx
              rules:
                - http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend: {service: {name: web-svc, port: {number: 80}}}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: web, namespace: shop}
            spec:
              rules:
                - backendRefs: [{name: web-svc, port: 80}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: elsewhere, namespace: other}
            spec:
              rules:
                - backendRefs: [{name: web-svc, port: 80}]
            """);

        var workload = model.Workloads.Single();
        workload.Ingresses.Single().ClassName.ShouldBe("nginx");
        workload.Routes.Single().Object.Name.ShouldBe("web");
    }

    [Fact]
    public void Build_PdbWithEmptySelector_SelectsEveryPodInItsNamespace()
    {
        var model = Build(Deployment + "\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: all, namespace: shop}\nspec: {maxUnavailable: 1, selector: {}}\n");

        model.Workloads.Single().DisruptionBudgets.ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("Deployment", "apps/v1", true)]
    [InlineData("StatefulSet", "apps/v1", true)]
    [InlineData("DaemonSet", "apps/v1", true)]
    [InlineData("ReplicaSet", "apps/v1", true)]
    [InlineData("Rollout", "argoproj.io/v1alpha1", true)]
    [InlineData("Deployment", "example.com/v1", false)]
    public void Build_WorkloadKinds_AreRecognised(string kind, string apiVersion, bool recognised)
    {
        var model = Build($"apiVersion: {apiVersion}\nkind: {kind}\nmetadata: {{name: w}}\nspec:\n  template:\n    spec:\n      containers: [{{name: a, image: b}}]\n");

        model.Workloads.Count.ShouldBe(recognised ? 1 : 0);
    }

    [Fact]
    public void Build_BarePod_ReadsItsOwnSpec()
    {
        var model = Build("apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: p}}\nspec:\n  terminationGracePeriodSeconds: 5\n  containers: [{name: a, image: b}]\n");

        var pod = model.Workloads.Single().Pod;
        pod.GracePeriodSeconds.ShouldBe(5);
        pod.Labels["app"].ShouldBe("p");
    }

    [Fact]
    public void Build_NativeSidecar_IsMarked()
    {
        var model = Build("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers: [{name: proxy, image: envoy, restartPolicy: Always}, {name: init, image: busybox}]\n  containers: [{name: a, image: b}]\n");

        model.Workloads.Single().Pod.InitContainers.Select(c => c.IsNativeSidecar).ShouldBe([true, false]);
    }

    [Theory]
    [InlineData("25%", 4, false, 1)]
    [InlineData("25%", 3, false, 0)]
    [InlineData("25%", 3, true, 1)]
    [InlineData("50%", 5, true, 3)]
    [InlineData("2", 5, true, 2)]
    public void IntOrString_Resolve_RoundsLikeTheController(string value, int total, bool roundUp, int expected)
    {
        var ios = int.TryParse(value, out var n) ? new IntOrString(n, null) : new IntOrString(null, value);

        ios.Resolve(total, roundUp).ShouldBe(expected);
    }
}
