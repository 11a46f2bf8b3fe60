using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Tests.Input;

public sealed class InputLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_Directory_FindsManifestsAndDockerfilesRecursively()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "a", "b"));
        foreach (var name in new[] { "x.yaml", "a/y.yml", "a/b/z.json", "a/Dockerfile", "a/b/Dockerfile.prod", "api.Dockerfile", "README.md", "a/b/values.txt" })
        {
            File.WriteAllText(Path.Combine(_dir, name), "{}\n");
        }

        var (files, errors) = InputLoader.Load([_dir]);

        errors.ShouldBeEmpty();
        files.Select(f => Path.GetRelativePath(_dir, f.Path).Replace('\\', '/')).ShouldBe(
            ["a/b/Dockerfile.prod", "a/b/z.json", "a/Dockerfile", "a/y.yml", "api.Dockerfile", "x.yaml"], ignoreOrder: true);
        files.Count(f => f.Kind == SourceKind.Dockerfile).ShouldBe(3);
    }

    [Fact]
    public void Load_Stdin_IsReadOnceAndNamed()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "deploy", "naive.yaml"));

        var result = Analyzer.Analyze(ManifestSet.Load(["-", "-"], new StringReader(text)));

        result.Model.Workloads.ShouldHaveSingleItem();
        result.Findings.ShouldAllBe(f => f.Location.File == "<stdin>");
    }

    [Fact]
    public void Load_HelmSourceComments_AreKeptAsOrigin()
    {
        const string rendered = """
            ---
            # Source: shop/templates/service.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            ---
            # Source: shop/templates/deployment.yaml
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      image: web:1
            """;

        var result = Analyzer.Analyze(ManifestSet.Load(["-"], new StringReader(rendered)));

        var ho101 = result.Findings.Single(f => f.Rule.Id == "HO101");
        ho101.Location.Origin.ShouldBe("shop/templates/deployment.yaml");
        ho101.Location.File.ShouldBe("<stdin>");
        ho101.Location.Line.ShouldBe(23);
        result.Model.Services.Single().Object.Document.Origin.ShouldBe("shop/templates/service.yaml");
    }

    [Fact]
    public void Load_KindList_ExpandsItems()
    {
        const string list = """
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {selector: {app: web}, ports: [{port: 80}]}
              - apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: web:1}]}
            """;

        var result = Analyzer.Analyze(ManifestSet.FromText(list));

        result.Model.Workloads.ShouldHaveSingleItem().IsServing.ShouldBeTrue();
        result.Findings.Single(f => f.Rule.Id == "HO101").Location.Line.ShouldBe(15);
    }

    [Fact]
    public void Load_JsonManifest_IsRead()
    {
        const string json = """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "j"},
             "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "j"}}, "spec": {"containers": [{"name": "j", "image": "j:1"}]}}}}
            """;

        var result = Analyzer.Analyze(ManifestSet.FromText(json, "j.json"));

        result.Errors.ShouldBeEmpty();
        result.Model.Workloads.ShouldHaveSingleItem().Replicas.ShouldBe(1);
    }

    [Fact]
    public void Load_UnknownKinds_AreIgnoredSilently()
    {
        var result = Analyzer.Analyze(ManifestSet.FromText("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {replicas: lots}\n---\nfoo: bar\n"));

        result.Errors.ShouldBeEmpty();
        result.Findings.ShouldBeEmpty();
        result.Model.Objects.ShouldHaveSingleItem().Kind.ShouldBe("Widget");
    }
}
