using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Model;
using Handoff.Analysis.Reporting;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Timing;

public sealed class ProfileCatalogTests
{
    [Fact]
    public void The_built_in_catalogue_read_entry_by_entry_equals_the_whole_file_read_at_once()
    {
        var text = ProfileCatalog.BuiltInText();
        var (whole, errors) = ProfileCatalogReader.Read(new SourceFile("embedded:Timing/Profiles.yaml", text, SourceKind.Manifest));
        errors.ShouldBeEmpty();

        ProfileCatalog.BuiltInEntries(text).Select(e => e.Id).ShouldBe(whole.Select(p => p.Id));
        ProfileCatalog.BuiltIn.Profiles.Select(Describe).ShouldBe(whole.Select(Describe));
        ProfileCatalog.BuiltIn.Ids.ShouldBe(string.Join(", ", whole.Select(p => p.Id)));
    }

    [Fact]
    public void An_entry_read_alone_keeps_its_lines_in_the_embedded_file()
    {
        var text = ProfileCatalog.BuiltInText();
        var lines = text.Split('\n');
        foreach (var (id, entryText) in ProfileCatalog.BuiltInEntries(text))
        {
            var entryLines = entryText.Split('\n');
            var first = Array.FindIndex(entryLines, l => l.StartsWith("  - id: ", StringComparison.Ordinal));
            lines[first].ShouldBe(entryLines[first], $"entry {id} moved from its line");
        }
    }

    private static string Describe(Profile p) => string.Join(" | ",
        p.Id, p.Title, p.Summary, p.Origin, p.PreStopFloor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        string.Join(";", p.Planes), string.Join(";", p.Relations), string.Join(";", p.Sources));

    private const string NegWorkload = """
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
              terminationGracePeriodSeconds: 120
              containers:
                - name: web
                  image: web:1
                  lifecycle:
                    preStop:
                      sleep:
                        seconds: 70
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: shop
          annotations:
            cloud.google.com/neg: '{"ingress": true}'
            cloud.google.com/backend-config: '{"default": "bc"}'
        spec:
          selector:
            app: web
          ports:
            - port: 80
        ---
        apiVersion: cloud.google.com/v1
        kind: BackendConfig
        metadata:
          name: bc
          namespace: shop
        spec:
          connectionDraining:
            drainingTimeoutSec: 30
        """;

    [Fact]
    public void BuiltIn_EveryProfileHasPlanesWithSourcesAndKinds()
    {
        var catalog = ProfileCatalog.BuiltIn;

        catalog.Default.Id.ShouldBe("kube-proxy-small");
        foreach (var profile in catalog.Profiles)
        {
            profile.Sources.ShouldNotBeEmpty(profile.Id);
            profile.Summary.ShouldEndWith(".", customMessage: profile.Id);
            profile.Origin.ShouldBe("built-in");
            profile.Planes.ShouldNotBeEmpty(profile.Id);
            profile.Planes.ShouldAllBe(p => p.Source.Length > 0 && p.Name.Length <= 13 && p.Latency.MinSeconds <= p.Latency.MaxSeconds);
        }

        catalog.Profiles.SelectMany(p => p.Planes).Select(p => p.Kind).Distinct().Count().ShouldBe(Enum.GetValues<PlaneKind>().Length);
        catalog.Find("gke-neg")!.Relation<NegDrainingFormula>()!.DetachSeconds.ShouldBe(60);
        catalog.Find("aws-alb")!.Relation<GraceBelowIdleTimeout>()!.DefaultIdleTimeoutSeconds.ShouldBe(60);
        catalog.Find("aws-nlb")!.Relation<DeregistrationDelayCoversDrain>()!.DefaultDelaySeconds.ShouldBe(300);
        catalog.Find("headless-dns")!.Planes.ShouldAllBe(p => p.Kind == PlaneKind.Dns);
    }

    [Fact]
    public void BuiltIn_EveryInferableProfileIsInferredByACaseOrFixture()
    {
        // kube-proxy-medium and -large describe cluster size, which no manifest shows: they are --profile only.
        string[] profileOnly = ["kube-proxy-medium", "kube-proxy-large"];
        var inferred = Handoff.Analysis.Tests.Providers.ProfileInferenceTests.Cases().Select(row => (string)row[1])
            .Concat(Handoff.Analysis.Tests.Providers.DataPlaneFixtureTests.Cases().Select(row => (string)row[1]))
            .ToHashSet(StringComparer.Ordinal);

        ProfileCatalog.BuiltIn.Profiles.Select(p => p.Id).Except(profileOnly).Where(id => !inferred.Contains(id)).ShouldBeEmpty();
    }

    [Fact]
    public void ProfilesMarkdown_MatchesTheCheckedInDocs()
    {
        var checkedIn = File.ReadAllText(Path.Combine(RepoPaths.Docs, "timing-model-providers.md"));

        checkedIn.ShouldBe(ProfilesMarkdown.Generate(ProfileCatalog.BuiltIn),
            "docs/timing-model-providers.md is stale: run 'dotnet run --project src/Handoff.Cli -- profiles --format markdown > docs/timing-model-providers.md'");
    }

    [Fact]
    public void CustomProfile_DeclaringTheNegFormula_GetsTheGkeRules()
    {
        var custom = ReadOne("""
            profiles:
              - id: gke-neg-measured
                title: GKE NEG, measured in our cluster
                summary: Our NEG detaches in 20 s at worst.
                planes:
                  - name: kube-proxy
                    kind: kube-proxy
                    latency: 2..5
                    source: handoff verify, 2026-11
                  - name: GKE NEG
                    kind: cloud-l7
                    latency: 20
                    source: handoff verify, 2026-11
                relations:
                  - kind: neg-draining-formula
                    detachSeconds: 60
                    plane: GKE NEG
                    source: Google's formula
                sources:
                  - handoff verify runs of 2026-11
            """);
        var catalog = ProfileCatalog.BuiltIn.With([custom]);
        var manifests = ManifestSet.FromText(NegWorkload);

        var result = Analyzer.Analyze(manifests, new AnalysisOptions { Profile = "gke-neg-measured", Profiles = catalog });

        // 70 s < drainingTimeoutSec 30 + 60: HO108 speaks (a GKE rule), HO102 stays silent as under gke-neg.
        result.Findings.Select(f => f.RuleId).ShouldContain("HO108");
        result.Findings.Select(f => f.RuleId).ShouldNotContain("HO102");
        result.Budgets.Single().Relations.Neg!.RequiredSeconds.ShouldBe(90);
        result.Budgets.Single().Planes.Single(p => p.Name == "GKE NEG").PropagationSeconds.ShouldBe(90);
    }

    [Fact]
    public void CustomProfile_WithoutTheRelation_DoesNotGetTheGkeRules()
    {
        var custom = ReadOne("""
            profiles:
              - id: plain
                title: Plain
                summary: Only kube-proxy.
                planes:
                  - name: kube-proxy
                    kind: kube-proxy
                    latency: 100
                    source: a test
                sources: [a test]
            """);

        var result = Analyzer.Analyze(ManifestSet.FromText(NegWorkload), new AnalysisOptions { Profile = "plain", Profiles = ProfileCatalog.BuiltIn.With([custom]) });

        result.Findings.Select(f => f.RuleId).ShouldNotContain("HO108");
        result.Findings.Select(f => f.RuleId).ShouldContain("HO102");
    }

    [Fact]
    public void Read_BadEntries_ReportsEveryErrorWithLineAndColumnAndKeepsTheGoodOne()
    {
        var file = new SourceFile("custom.yaml", """
            profiles:
              - id: good
                title: Good
                summary: Fine.
                planes:
                  - {name: kube-proxy, kind: kube-proxy, latency: "5..10", source: s}
                sources: [s]
              - id: bad
                title: Bad
                summary: Broken.
                planes:
                  - {name: lb, kind: cloud-l9, latency: "10", source: s}
                  - {name: dns, kind: dns, latency: "9..3", source: s}
                relations:
                  - {kind: neg-draining-formula, detachSeconds: 60, plane: nowhere, source: s}
                sources: [s]
            """, SourceKind.Manifest);

        var (profiles, errors) = ProfileCatalogReader.Read(file);

        profiles.Select(p => p.Id).ShouldBe(["good"]);
        profiles[0].Origin.ShouldBe("custom.yaml:2");
        errors.Select(e => e.ToString()).ShouldBe([
            "custom.yaml:12:26: Plane kind 'cloud-l9' is not one of kube-proxy, ingress-controller, cloud-l7, cloud-l4, dns.",
            "custom.yaml:13:41: Latency '9..3' is not seconds (\"10\", \"10s\") or a range (\"5..10\") with min <= max.",
            "custom.yaml:15:64: Relation 'neg-draining-formula' names plane 'nowhere', which the profile does not list.",
        ]);
    }

    [Fact]
    public void With_ACustomProfileReusingABuiltInId_IsRefused()
    {
        var duplicate = ProfileCatalog.BuiltIn.Default with { Title = "mine" };

        Should.Throw<ArgumentException>(() => ProfileCatalog.BuiltIn.With([duplicate])).Message.ShouldContain("kube-proxy-small");
    }

    [Fact]
    public void Latency_TryParse_ReadsSecondsAndRanges()
    {
        Latency.TryParse("10", out var one).ShouldBeTrue();
        one.ShouldBe(Latency.Exactly(10));
        Latency.TryParse("5s..25s", out var range).ShouldBeTrue();
        range.ShouldBe(new Latency(5, 25));
        range.ToString().ShouldBe("5-25 s");
        Latency.TryParse("25..5", out _).ShouldBeFalse();
        Latency.TryParse("fast", out _).ShouldBeFalse();
    }

    private static Profile ReadOne(string yaml)
    {
        var (profiles, errors) = ProfileCatalogReader.Read(new SourceFile("handoff.yaml", yaml, SourceKind.Manifest));
        errors.ShouldBeEmpty();
        return profiles.ShouldHaveSingleItem();
    }
}
