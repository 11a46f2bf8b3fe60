using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;

namespace Handoff.Analysis.Tests.Model;

/// <summary>The model on the field corpus (tests/fixtures/field): units, autoscaler floors, PDB selectors, notes.</summary>
public sealed class FieldModelTests
{
    private static string Field(string path) => Path.Combine(RepoPaths.Fixtures, "field", path);

    private static ClusterModel Load(params string[] paths) => ClusterModel.Build(ManifestSet.Load(paths.Select(Field)));

    [Fact]
    public void TwoAppsInOneTree_LinkTheirOwnPdbIngressAndService()
    {
        var model = Load("apps-in-one-tree");

        var billing = model.Workloads.Single(w => w.Object.File.Path.Contains("billing", StringComparison.Ordinal));
        var catalog = model.Workloads.Single(w => w.Object.File.Path.Contains("catalog", StringComparison.Ordinal));
        billing.Services.ShouldHaveSingleItem().Object.File.ShouldBe(billing.Object.File);
        billing.DisruptionBudgets.ShouldHaveSingleItem();
        billing.Ingresses.ShouldHaveSingleItem();
        catalog.Services.ShouldHaveSingleItem().Object.File.ShouldBe(catalog.Object.File);
        catalog.DisruptionBudgets.ShouldBeEmpty("billing's PDB selects app=api too, but billing's own Deployment is beside it");
        catalog.Ingresses.ShouldBeEmpty("billing's Ingress names Service 'api', which is billing's");
    }

    [Fact]
    public void TwoAppsInOneTree_NoteTheObjectsDefinedTwice()
    {
        var notes = Load("apps-in-one-tree").Notes.Where(n => n.Id == "defined-twice").ToList();

        notes.Select(n => n.Message[..n.Message.IndexOf(" is defined", StringComparison.Ordinal)]).ShouldBe(["Deployment default/api", "Service default/api"], ignoreOrder: true);
        notes.ShouldAllBe(n => n.Places.Count == 2);
    }

    [Fact]
    public void SplitAcrossFiles_ServiceAndDeploymentOfOneFolderStillLink()
    {
        // kustomize-shop/base keeps the Deployment, Service and PDB in separate files of one kustomization root.
        var model = Load("kustomize-shop");

        var shop = model.Workloads.ShouldHaveSingleItem();
        shop.Services.ShouldHaveSingleItem();
        shop.DisruptionBudgets.ShouldHaveSingleItem();
        model.Notes.ShouldContain(n => n.Id == "kustomize-patch" && n.Places.Count == 2);
        model.Errors.ShouldBeEmpty("patch files are fragments, not objects");
    }

    [Fact]
    public void Units_AreKustomizationRootsFoldersAndHelmCharts()
    {
        var model = Load("kustomize-shop", "helm-ingress-nginx");

        var baseUnit = Path.GetFullPath(Field("kustomize-shop/base"));
        model.Objects.Where(o => o.File.Path.Contains("/base/", StringComparison.Ordinal)).ShouldAllBe(o => o.Unit == baseUnit);
        model.Objects.Where(o => o.File.Path.Contains("ingress-nginx", StringComparison.Ordinal)).ShouldAllBe(o => o.Unit.EndsWith("#ingress-nginx", StringComparison.Ordinal));
    }

    [Fact]
    public void Hpa_SetsTheFloorWhateverSpecReplicasSays()
    {
        var controller = Load("helm-ingress-nginx").Workloads.Single(w => w.Kind == "Deployment");

        controller.Replicas.ShouldBe(2);
        controller.Autoscaler.ShouldNotBeNull().Floor.ShouldBe(3);
        controller.ReplicaFloor.ShouldBe(3);
    }

    [Fact]
    public void KedaScaledObject_DefaultsToAFloorOfZero()
    {
        var api = Load("operators").Workloads.Single(w => w.Name == "orders-api");

        var keda = api.Autoscaler.ShouldNotBeNull();
        keda.IsKeda.ShouldBeTrue();
        keda.MinReplicas.ShouldBeNull();
        api.ReplicaFloor.ShouldBe(0);
        api.EffectiveReplicas.ShouldBe(1);
    }

    [Fact]
    public void PdbWithoutSelector_SelectsNoPod()
    {
        var model = Load("argocd");

        var pdb = model.DisruptionBudgets.ShouldHaveSingleItem();
        pdb.SelectsAny.ShouldBeFalse();
        model.Workloads.ShouldAllBe(w => w.DisruptionBudgets.Count == 0);
    }

    [Theory]
    [InlineData("policy/v1", "selector: {}", true)]
    [InlineData("policy/v1beta1", "selector: {}", false)]
    [InlineData("policy/v1", "selector: {matchLabels: {app: web}}", true)]
    public void PdbSelector_FollowsTheApiVersionsRule(string apiVersion, string selector, bool selects)
    {
        var model = ClusterModel.Build(ManifestSet.FromText($"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {"{"}name: web{"}"}
            spec:
              selector: {"{"}matchLabels: {"{"}app: web{"}}"}
              template:
                metadata: {"{"}labels: {"{"}app: web{"}}"}
                spec: {"{"}containers: [{"{"}name: web, image: web{"}"}]{"}"}
            ---
            apiVersion: {apiVersion}
            kind: PodDisruptionBudget
            metadata: {"{"}name: web{"}"}
            spec:
              maxUnavailable: 1
              {selector}
            """));

        model.Workloads.Single().DisruptionBudgets.Count.ShouldBe(selects ? 1 : 0);
    }

    [Fact]
    public void ReplicationController_IsAWorkloadWithItsPlainSelector()
    {
        var rc = Load("operators").Workloads.Single(w => w.Kind == "ReplicationController");

        rc.HasReplicas.ShouldBeTrue();
        rc.Selector.ShouldNotBeNull().MatchLabels["tier"].ShouldBe("frontend");
        rc.IsServing.ShouldBeTrue();
    }

    [Fact]
    public void OperatorObjectsWithPods_AreNamedInANote()
    {
        var model = Load("operators", "kube-prometheus", "helm-ingress-nginx");

        var note = model.Notes.Single(n => n.Id == "not-checked");
        note.Message.ShouldStartWith("6 objects with pods were not checked: ");
        foreach (var name in new[] { "Prometheus monitoring/k8s", "Alertmanager monitoring/main", "Service serverless/hello (serving.knative.dev)", "Workflow batch/(generateName)", "CronJob batch/cleanup", "Job ingress-nginx/ingress-nginx-admission-create" })
        {
            note.Message.ShouldContain(name);
        }

        note.Message.ShouldNotContain("ServiceMonitor");
        note.Message.ShouldNotContain("PrometheusRule");
    }

    [Theory]
    [InlineData("charts", "charts/redis/templates/a.yaml", true)]
    [InlineData("charts", "x/charts/b.yaml", true)]
    [InlineData("*.tpl.yaml", "deploy/web.tpl.yaml", true)]
    [InlineData("*.tpl.yaml", "deploy/web.yaml", false)]
    [InlineData("overlays/dev", "overlays/dev/ingress.yaml", true)]
    [InlineData("overlays/dev", "base/overlays/dev/ingress.yaml", false)]
    [InlineData("overlays/**/replicas.yaml", "overlays/dev/replicas.yaml", true)]
    [InlineData("**/secret-*.yaml", "secret-db.yaml", true)]
    [InlineData("generated/", "generated", false)]
    [InlineData("generated/", "generated/a.yaml", true)]
    public void ExcludeGlob_MatchesPathsRelativeToTheRoot(string pattern, string path, bool excluded)
    {
        var glob = PathGlob.TryCreate(pattern, out var problem).ShouldNotBeNull(problem);

        InputLoader.IsExcluded(path, [glob]).ShouldBe(excluded);
    }

    [Fact]
    public void ExcludeGlob_SkipsFilesWhenLoading()
    {
        var glob = PathGlob.TryCreate("overlays", out _)!;

        var set = ManifestSet.Load([Field("kustomize-shop")], exclude: [glob]);

        set.Files.ShouldNotBeEmpty();
        set.Files.ShouldAllBe(f => !f.Path.Contains("overlays", StringComparison.Ordinal));
    }
    [Fact]
    public void ModelFacts_HeadlessServiceMonitoredAndLoadBalancerPolicy()
    {
        var model = Load("kube-prometheus", "helm-ingress-nginx");

        var nodeExporter = model.Services.Single(s => s.Object.Name == "node-exporter");
        nodeExporter.IsHeadless.ShouldBeTrue();
        nodeExporter.ServiceMonitors.ShouldHaveSingleItem().Name.ShouldBe("node-exporter");
        model.Services.Single(s => s.Object.Name == "prometheus-k8s").ServiceMonitors.ShouldBeEmpty();
        var lb = model.Services.Single(s => s.Object.Name == "ingress-nginx-controller");
        lb.IsLoadBalancer.ShouldBeTrue();
        lb.ExternalTrafficPolicy.ShouldBe("Local");
        lb.Ports.Select(p => p.AppProtocol).ShouldBe(["http", "https"]);
        var controller = model.Workloads.Single(w => w.Name == "ingress-nginx-controller").Pod.Containers.Single();
        controller.EnvFrom.ShouldBe(["POD_NAME", "POD_NAMESPACE"]);
        controller.Env.Keys.ShouldBe(["LD_PRELOAD"]);
    }

    [Theory]
    [InlineData("spec:\n  ingressClassName: alb\n", "alb", IngressClassSource.Spec)]
    [InlineData("metadata:\n  annotations: {kubernetes.io/ingress.class: nginx}\n", "nginx", IngressClassSource.Annotation)]
    [InlineData("", "internal-nginx", IngressClassSource.DefaultIngressClass)]
    public void IngressClass_ComesFromSpecAnnotationOrTheDefaultIngressClass(string written, string expected, IngressClassSource source)
    {
        var metadata = written.StartsWith("metadata", StringComparison.Ordinal) ? written.Replace("metadata:\n", "metadata:\n  name: web\n", StringComparison.Ordinal) : "metadata:\n  name: web\n";
        var spec = written.StartsWith("spec", StringComparison.Ordinal) ? written + "  defaultBackend: {service: {name: web, port: {number: 80}}}\n" : "spec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n";
        var model = ClusterModel.Build(ManifestSet.FromText(
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: internal-nginx\n  annotations: {ingressclass.kubernetes.io/is-default-class: \"true\"}\nspec:\n  controller: k8s.io/ingress-nginx\n---\n" +
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\n" + metadata + spec));

        var ingress = model.Ingresses.ShouldHaveSingleItem();
        ingress.EffectiveClassName.ShouldBe(expected);
        ingress.ClassSource.ShouldBe(source);
    }
}
