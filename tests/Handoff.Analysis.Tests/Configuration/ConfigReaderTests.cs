using Handoff.Analysis.Configuration;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Configuration;

public sealed class ConfigReaderTests
{
    private static (HandoffConfig? Config, IReadOnlyList<InputError> Errors) Read(string yaml) =>
        ConfigReader.Read(new SourceFile(".handoff.yaml", yaml, SourceKind.Manifest));

    private static InputError SingleError(string yaml)
    {
        var (config, errors) = Read(yaml);
        config.ShouldBeNull();
        return errors.ShouldHaveSingleItem();
    }

    [Fact]
    public void Read_EveryKey_IsTypedWithItsPosition()
    {
        var (config, errors) = Read("""
            # what every CI job of this repository would repeat
            profile: aws-alb
            kubernetesVersion: "1.31"
            propagation:
              default: 25s
              namespaces: {payments: 40s}
              workloads: {"api-*": 5s..30s}
            drain: 1m
            buffer: 5s
            ignore: [HO203, "HO305,HO208"]
            exclude: ["charts/*/templates/tests/*"]
            """);

        errors.ShouldBeEmpty();
        config!.Profile!.Value.ShouldBe("aws-alb");
        config.Profile.Origin.ShouldBe(new ValueOrigin(OriginKind.ConfigFile, ".handoff.yaml:2:10"));
        config.Version!.Value.ToString().ShouldBe("1.31");
        config.Propagation!.Value.ShouldBe(Latency.Exactly(25));
        config.PropagationRules.Select(r => (r.Namespace, r.Workload, r.Latency.MinSeconds, r.Latency.MaxSeconds))
            .ShouldBe([(null, "api-*", 5.0, 30.0), ("payments", null, 40.0, 40.0)]);
        config.Drain!.Value.ShouldBe(60);
        config.Buffer!.Value.ShouldBe(5);
        config.Ignore.Select(i => i.Value).ShouldBe(["HO203", "HO305", "HO208"]);
        config.Exclude.Select(e => e.Value).ShouldBe(["charts/*/templates/tests/*"]);
    }

    [Fact]
    public void Read_EmptyFile_SetsNothing()
    {
        var (config, errors) = Read("# nothing yet\n");

        errors.ShouldBeEmpty();
        config!.Profile.ShouldBeNull();
        config.Propagation.ShouldBeNull();
    }

    [Theory]
    [InlineData("profle: gke-neg\n", 1, 1, "Unknown key 'profle' (did you mean 'profile'?)")]
    [InlineData("propagation: soon\n", 1, 14, "'propagation' must be a duration")]
    [InlineData("propagation: 30s..10s\n", 1, 14, "must be a duration")]
    [InlineData("drain: -5s\n", 1, 8, "'drain' must be a duration")]
    [InlineData("kubernetesVersion: 1.3x\n", 1, 20, "'kubernetesVersion' must be a version")]
    [InlineData("profile: {id: x}\n", 1, 10, "'profile' must be a single value, not a mapping")]
    [InlineData("propagation:\n  defualt: 10s\n", 2, 3, "Unknown key 'propagation.defualt' (did you mean 'default'?)")]
    [InlineData("propagation:\n  namespaces: [a, b]\n", 2, 15, "'propagation.namespaces' must map namespace globs")]
    [InlineData("ignore: {HO101: true}\n", 1, 9, "'ignore' must be a list of strings")]
    [InlineData("exclude: [[a]]\n", 1, 11, "Each entry of 'exclude' must be a string, not a list")]
    [InlineData("profiles: gke\n", 1, 11, "'profiles' must be a list of profile entries")]
    [InlineData("- profile: x\n", 1, 1, "is one mapping of settings")]
    public void Read_Mistake_IsOneErrorWithLineAndColumn(string yaml, int line, int column, string words)
    {
        var error = SingleError(yaml);

        error.File.ShouldBe(".handoff.yaml");
        error.Line.ShouldBe(line);
        error.Column.ShouldBe(column);
        error.Message.ShouldContain(words);
        error.Message.ShouldEndWith(".");
    }

    [Fact]
    public void Read_SeveralMistakes_AreAllReported()
    {
        var (config, errors) = Read("profle: a\ndrain: later\nbuffer: {}\n");

        config.ShouldBeNull();
        errors.Select(e => e.Line).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public void Read_NotYaml_IsTheReadersErrorWithPosition()
    {
        var error = SingleError("propagation: [10s\n");

        error.Line.ShouldNotBeNull();
        error.ToString().ShouldStartWith(".handoff.yaml:");
    }

    [Fact]
    public void Read_CustomProfile_BecomesACatalogueEntryUsableWithProfile()
    {
        var (config, errors) = Read("""
            profile: corp-lb
            profiles:
              - id: corp-lb
                title: Our F5 in front of the cluster
                summary: Measured by the SRE team in October.
                planes:
                  - {name: F5 pool, kind: cloud-l4, latency: 15s..40s, source: "SRE measurement, 2026-10"}
                sources: ["internal runbook"]
            """);

        errors.ShouldBeEmpty();
        var resolved = SettingsResolver.Resolve(new CommandLineSettings(), config);
        resolved.Errors.ShouldBeEmpty();
        resolved.Options.Profile.ShouldBe("corp-lb");
        var profile = resolved.Options.Profiles.Find("corp-lb").ShouldNotBeNull();
        profile.PropagationSeconds.ShouldBe(40);
        profile.Origin.ShouldStartWith(".handoff.yaml:");
    }

    [Fact]
    public void Read_CustomProfileWithoutPlanes_IsAnErrorAtTheEntry()
    {
        var (_, errors) = Read("profiles:\n  - {id: x, title: X, summary: S.}\n");

        errors.ShouldNotBeEmpty();
        errors[0].Line.ShouldBe(2);
    }

    [Fact]
    public void Resolve_CustomProfileReusingABuiltInId_IsRefused()
    {
        var (config, errors) = Read("profiles:\n  - {id: aws-alb, title: X, summary: S., planes: [{name: p, kind: cloud-l7, latency: 5s, source: ours}]}\n");
        errors.ShouldBeEmpty();

        SettingsResolver.Resolve(new CommandLineSettings(), config).Errors.ShouldHaveSingleItem().Message.ShouldContain("built-in");
    }

    [Fact]
    public void Resolve_UnknownProfileInTheFile_NamesItsPosition()
    {
        var (config, _) = Read("profile: gke-negg\n");

        var error = SettingsResolver.Resolve(new CommandLineSettings(), config).Errors.ShouldHaveSingleItem();
        error.ToString().ShouldStartWith(".handoff.yaml:1:10: Unknown profile 'gke-negg'");
    }

    [Fact]
    public void Resolve_CommandLine_BeatsTheFile()
    {
        var (config, _) = Read("profile: aws-alb\npropagation: 25s\ndrain: 40s\nkubernetesVersion: '1.29'\n");

        var resolved = SettingsResolver.Resolve(new CommandLineSettings { Profile = "gke-neg", Propagation = "12s", Drain = "15s", Version = "1.33" }, config);

        resolved.Errors.ShouldBeEmpty();
        resolved.Options.Profile.ShouldBe("gke-neg");
        resolved.Options.Version.ToString().ShouldBe("1.33");
        resolved.Options.Timing.Propagation!.Value.ShouldBe(Latency.Exactly(12));
        resolved.Options.Timing.Propagation.Origin.ShouldBe(new ValueOrigin(OriginKind.CommandLine, "--propagation 12s"));
        resolved.Options.Timing.Drain!.Value.ShouldBe(15);
        resolved.Settings.Single(s => s.Key == "profile").Origin.ShouldBe("--profile");
        resolved.Settings.Single(s => s.Key == "buffer").Origin.ShouldBe("default");
    }

    [Theory]
    [InlineData("--propagation", "soon")]
    [InlineData("--drain", "a while")]
    [InlineData("--k8s-version", "latest")]
    public void Resolve_BadCommandLineValue_IsAnErrorNamingTheOption(string option, string value)
    {
        var cli = option switch
        {
            "--propagation" => new CommandLineSettings { Propagation = value },
            "--drain" => new CommandLineSettings { Drain = value },
            _ => new CommandLineSettings { Version = value },
        };

        SettingsResolver.Resolve(cli, null).Errors.ShouldHaveSingleItem().Message.ShouldStartWith($"{option} '{value}'");
    }

    private const string Workloads = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api-orders, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: orders}, annotations: {handoff.dev/drain-seconds: "45"}}
            spec:
              containers: [{name: app, image: orders:1, lifecycle: {preStop: {sleep: {seconds: 10}}}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders, namespace: shop}
        spec: {selector: {app: orders}, ports: [{port: 80}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ledger, namespace: payments}
        spec:
          template:
            metadata: {labels: {app: ledger}}
            spec:
              containers: [{name: app, image: ledger:1, lifecycle: {preStop: {sleep: {seconds: 10}}}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ledger, namespace: payments}
        spec: {selector: {app: ledger}, ports: [{port: 80}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: app, image: web:1, lifecycle: {preStop: {sleep: {seconds: 10}}}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        """;

    [Fact]
    public void Analyze_PropagationRules_WorkloadGlobBeatsNamespaceBeatsDefault()
    {
        var (config, _) = Read("propagation:\n  default: 8s\n  namespaces: {payments: 40s}\n  workloads: {'api-*': 25s}\ndrain: 30s\n");
        var options = SettingsResolver.Resolve(new CommandLineSettings(), config).Options;

        var result = Analyzer.Analyze(ManifestSet.FromText(Workloads), options);
        var byName = result.Budgets.ToDictionary(b => b.Workload.Name);

        byName["api-orders"].PropagationSeconds.ShouldBe(25);
        byName["api-orders"].PropagationOrigin.ShouldBe(new ValueOrigin(OriginKind.ConfigFile, ".handoff.yaml:4:24"));
        byName["ledger"].PropagationSeconds.ShouldBe(40);
        byName["web"].PropagationSeconds.ShouldBe(8);
        byName["web"].Planes.ShouldHaveSingleItem().Name.ShouldBe(TimeBudget.GivenPlaneName);

        // The file's drain is a default: a workload's own annotation still wins.
        byName["api-orders"].DrainSeconds.ShouldBe(45);
        byName["web"].DrainSeconds.ShouldBe(30);
        byName["web"].DrainOrigin.ShouldBe(new ValueOrigin(OriginKind.ConfigFile, ".handoff.yaml:5:8"));
    }

    [Fact]
    public void Analyze_DrainOnTheCommandLine_BeatsTheAnnotation()
    {
        var options = SettingsResolver.Resolve(new CommandLineSettings { Drain = "12s" }, null).Options;

        var result = Analyzer.Analyze(ManifestSet.FromText(Workloads), options);

        result.Budgets.Single(b => b.Workload.Name == "api-orders").DrainSeconds.ShouldBe(12);
    }

    [Fact]
    public void Analyze_GivenPropagationAbovePreStop_IsFoundWithTheUsersNumber()
    {
        var options = SettingsResolver.Resolve(new CommandLineSettings { Propagation = "5s..25s" }, null).Options;

        var result = Analyzer.Analyze(ManifestSet.FromText(Workloads), options);

        result.Budgets.ShouldAllBe(b => b.PropagationSeconds == 25 && b.PropagationGiven);
        result.Findings.Where(f => f.Rule.Id == "HO102").Select(f => f.Message).ShouldAllBe(m => m.Contains("25 s"));
        result.Findings.Count(f => f.Rule.Id == "HO102").ShouldBe(3);

        // With the user's own number, S < P is a certain loss: an error, not a warning about an estimate.
        result.Findings.Where(f => f.Rule.Id == "HO102").ShouldAllBe(f => f.Severity == Handoff.Analysis.Rules.Severity.Error && f.Message.Contains("your propagation (--propagation 5s..25s)"));
    }
}
