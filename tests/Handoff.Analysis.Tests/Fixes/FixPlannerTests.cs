using Handoff.Analysis.Fixes;
using static Handoff.Analysis.Tests.Fixes.FixTestHelpers;

namespace Handoff.Analysis.Tests.Fixes;

public class FixPlannerTests
{
    private static readonly string Naive = File.ReadAllText(Path.Combine(RepoRoot(), "samples", "deploy", "naive.yaml"));

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Handoff.slnx")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("Repository root not found.");
        }

        return dir;
    }

    [Fact]
    public void Run_NaiveSample_FixesEveryFixableFindingAndCheckAgreesAfterwards()
    {
        var result = Fix(Naive, "naive.yaml");

        result.Applied.Select(f => f.RuleId).ShouldBe(["HO101", "HO203", "HO205", "HO104"], ignoreOrder: true);
        result.Unresolved.ShouldBeEmpty();
        var after = FindingIds(result.Files[0].Text, "naive.yaml");
        after.ShouldNotContain("HO101");
        after.ShouldNotContain("HO104");
        after.ShouldNotContain("HO203");
        after.ShouldNotContain("HO205");
        result.Files[0].Text.ShouldContain("""
                      lifecycle:
                        preStop:
                          sleep:
                            seconds: 10
                  terminationGracePeriodSeconds: 40
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            """.Replace("\r\n", "\n"));
    }

    [Fact]
    public void Run_FixedOutput_IsAFixedPoint()
    {
        var once = Fixed(Naive, "naive.yaml");
        var twice = Fix(once, "naive.yaml");

        twice.Applied.ShouldBeEmpty();
        twice.Files[0].Text.ShouldBe(once);
    }

    [Fact]
    public void Run_ExecSleepPreStop_BecomesTheSleepActionSizedToTheProfile()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              minReadySeconds: 5
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 60 # keep this comment
                  containers:
                  - name: web
                    image: example/web:1
                    ports:
                    - containerPort: 8080
                    lifecycle:
                      preStop:
                        exec:
                          command: ["/bin/sh", "-c", "sleep 5"]
            """ + "\n" + Service;

        var result = Fix(text);
        var fixedText = result.Files[0].Text;

        fixedText.ShouldContain("""
                    lifecycle:
                      preStop:
                        sleep:
                          seconds: 10
            """.Replace("\r\n", "\n"));
        fixedText.ShouldNotContain("exec:");
        fixedText.ShouldContain("terminationGracePeriodSeconds: 60 # keep this comment");
        result.Applied.Select(f => f.RuleId).ShouldContain("HO103");
        result.Applied.Select(f => f.RuleId).ShouldContain("HO102");
        result.Unresolved.ShouldBeEmpty();
    }

    [Fact]
    public void Run_ExecSleepOnOldCluster_LengthensTheSleepInsideTheCommand()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              minReadySeconds: 5
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 60
                  containers:
                  - name: web
                    image: example/web:1
                    lifecycle:
                      preStop:
                        exec:
                          command: ["/bin/sh", "-c", "sleep 3 && nginx -s quit"]
            """ + "\n" + Service;

        var fixedText = Fixed(text, version: "1.28");

        fixedText.ShouldContain("""command: ["/bin/sh", "-c", "sleep 10 && nginx -s quit"]""");
    }

    [Fact]
    public void Run_RecreateStrategy_SwitchesToRollingUpdateKeepingQuotes()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 4
              minReadySeconds: 5
              strategy:
                type: 'Recreate'
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 60
                  containers:
                  - name: web
                    image: example/web:1
                    lifecycle: {preStop: {sleep: {seconds: 10}}}
            """ + "\n" + Service;

        var fixedText = Fixed(text);

        fixedText.ShouldContain("""
              strategy:
                type: 'RollingUpdate'
                rollingUpdate:
                  maxSurge: 1
                  maxUnavailable: 0
            """.Replace("\r\n", "\n"));
        fixedText.ShouldContain("lifecycle: {preStop: {sleep: {seconds: 10}}}");
        FindingIds(fixedText).ShouldNotContain("HO201");
        FindingIds(fixedText).ShouldNotContain("HO202");
    }

    [Fact]
    public void Run_MaxUnavailablePercent_SetsZeroAndKeepsMaxSurge()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 8
              minReadySeconds: 5
              strategy:
                rollingUpdate: {maxSurge: "25%", maxUnavailable: "25%"}
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 60
                  containers:
                  - name: web
                    image: example/web:1
                    lifecycle: {preStop: {sleep: {seconds: 10}}}
            """ + "\n" + Service;

        var fixedText = Fixed(text);

        fixedText.ShouldContain("rollingUpdate: {maxSurge: \"25%\", maxUnavailable: 0}");
    }

    [Fact]
    public void Run_FlowContainer_InsertsInsideTheBraces()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              minReadySeconds: 5
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 60
                  containers: [{name: web, image: "example/web:1"}]
            """ + "\n" + Service;

        var fixedText = Fixed(text);

        fixedText.ShouldContain("""containers: [{name: web, image: "example/web:1", lifecycle: {preStop: {sleep: {seconds: 10}}}}]""");
    }

    [Fact]
    public void Run_CrlfWithoutFinalNewline_KeepsBoth()
    {
        var text = (Naive.TrimEnd('\n') ).Replace("\n", "\r\n");

        var fixedText = Fixed(text, "naive.yaml");

        fixedText.ShouldNotBe(text);
        fixedText.Replace("\r\n", string.Empty).ShouldNotContain("\n");
        fixedText.ShouldNotEndWith("\n");
        fixedText.ShouldEndWith("targetPort: http");
    }

    [Fact]
    public void Run_ValueFromAnAlias_IsAdviceOnly()
    {
        // Anchors live within one document, so both Deployments are items of one List.
        var text = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: web
              spec:
                replicas: 3
                minReadySeconds: 5
                selector:
                  matchLabels:
                    app: web
                template:
                  metadata:
                    labels:
                      app: web
                  spec: &podspec
                    containers:
                    - name: web
                      image: example/web:1
                      lifecycle:
                        preStop: {sleep: {seconds: 10}}
                    terminationGracePeriodSeconds: 20
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: web2
              spec:
                replicas: 3
                minReadySeconds: 5
                selector:
                  matchLabels:
                    app: web
                template:
                  metadata:
                    labels:
                      app: web
                  spec: *podspec
            """ + "\n" + Service;

        var result = Fix(text);

        result.Applied.ShouldNotContain(f => f.RuleId == "HO104");
        result.Advice.ShouldContain(f => f.RuleId == "HO104" && f.Object.Name == "web" && f.Description.Contains("alias"));
        result.Advice.ShouldContain(f => f.RuleId == "HO104" && f.Object.Name == "web2" && f.Description.Contains("alias"));
        result.Advice.ShouldContain(f => f.RuleId == "HO205" && f.Description.Contains("List"));
        result.Files[0].Text.ShouldContain("terminationGracePeriodSeconds: 20");
    }

    [Fact]
    public void Run_HelmTemplateSyntax_IsAdviceOnly()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                chart: "{{ .Chart.Name }}"
            spec:
              replicas: 3
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
                    image: example/web:1
            """ + "\n" + Service;

        var result = Fix(text);

        result.Applied.ShouldBeEmpty();
        result.Files[0].Changed.ShouldBeFalse();
        result.Advice.ShouldContain(f => f.RuleId == "HO101" && f.Description.Contains("template syntax"));
    }

    [Fact]
    public void Run_OldClusterWithoutPreStop_AdvisesInsteadOfWritingASleepAction()
    {
        var result = Fix(Naive, "naive.yaml", version: "1.28");

        result.Applied.ShouldNotContain(f => f.RuleId == "HO101");
        result.Advice.ShouldContain(f => f.RuleId == "HO101" && f.Description.Contains("1.28"));
        result.Files[0].Text.ShouldNotContain("sleep:");
    }

    [Fact]
    public void Run_JsonManifest_StaysJsonAndAdvisesOnThePdb()
    {
        var text = """
            {
              "apiVersion": "apps/v1",
              "kind": "Deployment",
              "metadata": {"name": "web"},
              "spec": {
                "replicas": 3,
                "minReadySeconds": 5,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                  "metadata": {"labels": {"app": "web"}},
                  "spec": {
                    "containers": [{"name": "web", "image": "example/web:1", "ports": [{"containerPort": 8080}]}]
                  }
                }
              }
            }
            """;
        var set = Handoff.Analysis.Manifests.ManifestSet.Parse([
            new Handoff.Analysis.Input.SourceFile("app.json", text, Handoff.Analysis.Input.SourceKind.Manifest),
            new Handoff.Analysis.Input.SourceFile("svc.yaml", Service, Handoff.Analysis.Input.SourceKind.Manifest)]);

        var result = FixPlanner.Run(set);
        var json = result.Files.Single(f => f.Original.Path == "app.json").Text;

        using var doc = System.Text.Json.JsonDocument.Parse(json);
        doc.RootElement.GetProperty("spec").GetProperty("template").GetProperty("spec")
            .GetProperty("containers")[0].GetProperty("lifecycle").GetProperty("preStop").GetProperty("sleep").GetProperty("seconds").GetInt32().ShouldBe(10);
        result.Advice.ShouldContain(f => f.RuleId == "HO205");
    }

    [Fact]
    public void Run_ContainerEndingInABlockScalar_InsertsAfterItsLastLine()
    {
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              minReadySeconds: 5
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 60
                  containers:
                  - name: web
                    image: example/web:1
                    args:
                    - |
                      --config
                      /etc/web.conf

                  # volumes come later
                  volumes: []
            """ + "\n" + Service;

        var fixedText = Fixed(text);

        fixedText.ShouldContain("""
                      /etc/web.conf
                    lifecycle:
                      preStop:
                        sleep:
                          seconds: 10

                  # volumes come later
            """.Replace("\r\n", "\n"));
        FindingIds(fixedText).ShouldNotContain("HO101");
    }

    [Fact]
    public void Run_PreStopAsLongAsPropagationButCutByGrace_RaisesTheGraceNotTheSleepFromXToX()
    {
        // preStop 30 s = kube-proxy-large's 30 s, but the 25 s grace period ends it first: the sleep needs no edit.
        var text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              minReadySeconds: 5
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 25
                  containers:
                  - name: web
                    image: example/web:1
                    ports:
                    - name: http
                      containerPort: 8080
                    lifecycle:
                      preStop:
                        sleep:
                          seconds: 30
            """ + "\n" + Service;
        var result = Fix(text, profile: "kube-proxy-large");

        result.Before.Findings.Select(f => f.RuleId).ShouldContain("HO102");
        result.Before.Findings.Select(f => f.RuleId).ShouldContain("HO105");
        result.Applied.ShouldNotContain(f => f.RuleId == "HO102", "the sleep already lasts the 30 s the profile needs");
        result.Applied.ShouldAllBe(f => !f.Description.Contains("from 30 s to 30 s"));
        // HO104 and HO105 are fixed by the same grace period: one fix, listed once for both.
        result.Applied.Select(f => f.Description).ShouldBeUnique();
        result.Applied.ShouldContain(f => f.Rules == "HO104, HO105");
        result.Files[0].Text.ShouldContain("terminationGracePeriodSeconds: 60");
        result.Files[0].Text.ShouldContain("seconds: 30");
        result.Unresolved.ShouldBeEmpty();
    }
}
