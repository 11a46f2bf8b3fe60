using Handoff.Analysis.Configuration;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Rules;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Timing;

/// <summary>The drain time D from the app's own settings, with where it came from; fixtures in tests/fixtures/app-drain/.</summary>
public sealed class AppShutdownSettingsTests
{
    public static TheoryData<string, double, string> Fixtures() => new()
    {
        { "gunicorn-django.yaml", 45, "app setting: gunicorn --graceful-timeout 45 of container 'web'" },
        { "spring-boot-actuator.yaml", 40, "app setting: Spring Boot server.shutdown=graceful, env SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE=40s of container 'billing'" },
        { "nginx-configmap.yaml", 15, "app setting: nginx worker_shutdown_timeout 15s in ConfigMap 'site-nginx' of container 'nginx'" },
        { "handoff-aspnetcore-env.yaml", 25, "app setting: env Handoff__DrainTimeoutSeconds=25 of container 'api'" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Analyze_AppThatShowsItsDrain_UsesItInsteadOfTheDefaultAndSaysWhere(string fixture, double seconds, string origin)
    {
        var budget = Analyze(fixture).Budgets.ShouldHaveSingleItem();

        budget.DrainSeconds.ShouldBe(seconds);
        budget.DrainOrigin.ShouldBe(new ValueOrigin(OriginKind.AppSetting, origin));
        budget.DrainDeclared.ShouldBeTrue();
        budget.RequiredGraceSeconds.ShouldBe(budget.StopListeningSeconds + seconds + TimeBudget.DefaultBufferSeconds);
    }

    [Fact]
    public void Analyze_SpringDrainLongerThanTheGraceLeaves_HO110NamesTheAppSetting()
    {
        // preStop 10 s, D 40 s, grace 45 s: only 35 s remain after the stop.
        var finding = Analyze("spring-boot-actuator.yaml").Findings.Single(f => f.RuleId == "HO110");

        finding.Message.ShouldStartWith("The app declares 40 s of drain (app setting: Spring Boot server.shutdown=graceful, env SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE=40s of container 'billing'), but only 35 s remain");
    }

    [Theory]
    [InlineData("command: [gunicorn, app:app]", "", 30, "app setting: gunicorn's default --graceful-timeout 30 of container 'app'")]
    [InlineData("command: [sh, -c, \"exec gunicorn --graceful-timeout 12 app:app\"]", "", 12, "app setting: gunicorn --graceful-timeout 12 of container 'app'")]
    [InlineData("command: [gunicorn, app:app]", "- {name: GUNICORN_CMD_ARGS, value: \"--workers 3 --graceful-timeout 8\"}", 8, "app setting: gunicorn --graceful-timeout 8 of container 'app'")]
    [InlineData("command: [uvicorn, main:app, --timeout-graceful-shutdown, \"9\"]", "", 9, "app setting: uvicorn --timeout-graceful-shutdown 9 of container 'app'")]
    [InlineData("args: [--server.shutdown=graceful, --spring.lifecycle.timeout-per-shutdown-phase=1m]", "", 60, "app setting: Spring Boot server.shutdown=graceful, spring.lifecycle.timeout-per-shutdown-phase=1m of container 'app'")]
    [InlineData("args: []", "- {name: JAVA_TOOL_OPTIONS, value: \"-Dserver.shutdown=graceful\"}", 30, "app setting: Spring Boot server.shutdown=graceful, default timeout-per-shutdown-phase 30s of container 'app'")]
    public void Analyze_ServerFlagsAndEnvironment_AreRead(string commandLine, string env, double seconds, string origin)
    {
        var budget = AnalyzeText(Deployment(commandLine, env)).Budgets.Single();

        (budget.DrainSeconds, budget.DrainOrigin).ShouldBe((seconds, new ValueOrigin(OriginKind.AppSetting, origin)));
    }

    [Fact]
    public void Analyze_NothingShown_KeepsTheDefault()
    {
        var budget = AnalyzeText(Deployment("command: [/app/server]", "- {name: PORT, value: \"8080\"}")).Budgets.Single();

        (budget.DrainSeconds, budget.DrainOrigin, budget.DrainDeclared).ShouldBe((TimeBudget.DefaultDrainSeconds, null, false));
    }

    [Fact]
    public void Analyze_Precedence_CommandLineThenAnnotationThenAppThenFile()
    {
        var gunicorn = Deployment("command: [gunicorn, --graceful-timeout, \"45\", app:app]", "");
        var annotated = gunicorn.Replace("  template:\n    metadata:\n", "  template:\n    metadata:\n      annotations: {handoff.dev/drain-seconds: \"12\"}\n", StringComparison.Ordinal);
        var file = new TimingSettings { Drain = new Setting<double>(50, ValueOrigin.FromConfigFile(".handoff.yaml", 3, 8)) };
        var commandLine = new TimingSettings { Drain = new Setting<double>(5, ValueOrigin.FromCommandLine("--drain", "5s")), DrainOverridesAnnotations = true };

        AnalyzeText(gunicorn, file).Budgets.Single().DrainOrigin.ShouldBe(new ValueOrigin(OriginKind.AppSetting, "app setting: gunicorn --graceful-timeout 45 of container 'app'"), "the app's own flag beats the file's one number for every workload");
        var annotatedBudget = AnalyzeText(annotated, file).Budgets.Single();
        (annotatedBudget.DrainSeconds, annotatedBudget.DrainOrigin).ShouldBe((12, new ValueOrigin(OriginKind.Annotation, "annotation handoff.dev/drain-seconds")), "the workload's annotation beats the app's flag");
        AnalyzeText(annotated, commandLine).Budgets.Single().DrainOrigin.ShouldBe(new ValueOrigin(OriginKind.CommandLine, "--drain 5s"));
        AnalyzeText(Deployment("command: [/app/server]", ""), file).Budgets.Single().DrainOrigin.ShouldBe(new ValueOrigin(OriginKind.ConfigFile, ".handoff.yaml:3:8"));
    }

    private static string Deployment(string commandLine, string env) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          replicas: 2
          selector: {matchLabels: {app: app}}
          template:
            metadata:
              labels: {app: app}
            spec:
              containers:
                - name: app
                  image: registry.example.com/app:1
                  {{{commandLine}}}
                  env:
                    {{{(env.Length == 0 ? "- {name: TZ, value: UTC}" : env)}}}
                  ports: [{containerPort: 8080}]
        """;

    private static AnalysisResult Analyze(string fixture) =>
        Analyzer.Analyze(ManifestSet.Load([Path.Combine(RepoPaths.Fixtures, "app-drain", fixture)]));

    private static AnalysisResult AnalyzeText(string yaml, TimingSettings? timing = null) =>
        Analyzer.Analyze(ManifestSet.FromText(yaml, "app.yaml"), new AnalysisOptions { Timing = timing ?? TimingSettings.None });
}

/// <summary>The in-app delay S from Handoff.AspNetCore's own settings in the environment (Handoff__ShutdownDelay__*), with where it came from.</summary>
public sealed class InAppDelaySettingsTests
{
    [Fact]
    public void Analyze_LibraryDelayOnlyInEnv_CountsItAndNeedsNoAnnotation()
    {
        var result = Analyzer.Analyze(ManifestSet.Load([Path.Combine(RepoPaths.Fixtures, "app-drain", "handoff-aspnetcore-delay-env.yaml")]));
        var budget = result.Budgets.ShouldHaveSingleItem();

        budget.InAppDelaySeconds.ShouldBe(10);
        budget.InAppDelayOrigin.ShouldBe(new ValueOrigin(OriginKind.AppSetting, "app setting: env Handoff__ShutdownDelay__Mode=Fixed, Handoff__ShutdownDelay__Seconds=10 of container 'api'"));
        budget.StopListeningSeconds.ShouldBe(10);
        budget.DrainSeconds.ShouldBe(20);
        result.Findings.Select(f => f.RuleId).ShouldNotContain("HO101", "the app keeps serving 10 s after SIGTERM");
        result.Findings.Select(f => f.RuleId).ShouldNotContain("HO104", "40 s covers 10 + 20 + 10");

        using var json = System.Text.Json.JsonDocument.Parse(Handoff.Analysis.Reporting.JsonReport.ToJson(result));
        var workload = json.RootElement.GetProperty("workloads").EnumerateArray().Single();
        workload.GetProperty("inAppDelay").GetProperty("seconds").GetDouble().ShouldBe(10);
        workload.GetProperty("inAppDelay").GetProperty("source").GetString().ShouldBe(budget.InAppDelayOrigin!.Text);
        workload.GetProperty("drain").GetProperty("source").GetString().ShouldBe("app setting: env Handoff__DrainTimeoutSeconds=20 of container 'api'");
    }

    [Theory]
    [InlineData("Fixed", "", 10, "env Handoff__ShutdownDelay__Mode=Fixed, the library's default Seconds 10")]
    [InlineData("fixed", "- {name: Handoff__ShutdownDelay__Seconds, value: \"7.5\"}", 7.5, "env Handoff__ShutdownDelay__Mode=fixed, Handoff__ShutdownDelay__Seconds=7.5")]
    [InlineData("Adaptive", "- {name: Handoff__ShutdownDelay__CeilingSeconds, value: \"45\"}", 45, "env Handoff__ShutdownDelay__Mode=Adaptive, Handoff__ShutdownDelay__CeilingSeconds=45")]
    [InlineData("2", "", 30, "env Handoff__ShutdownDelay__Mode=2, the library's default CeilingSeconds 30")]
    [InlineData("None", "- {name: Handoff__ShutdownDelay__Seconds, value: \"10\"}", 0, null)]
    public void Analyze_DelayModes_ReadLikeTheLibraryBindsThem(string mode, string more, double seconds, string? origin)
    {
        var budget = AnalyzeText(Deployment(mode, more, annotation: null)).Budgets.Single();

        budget.InAppDelaySeconds.ShouldBe(seconds);
        budget.InAppDelayOrigin.ShouldBe(origin is null ? null : new ValueOrigin(OriginKind.AppSetting, $"app setting: {origin} of container 'app'"));
    }

    [Fact]
    public void Analyze_AnnotationAndEnv_TheAnnotationWins()
    {
        var budget = AnalyzeText(Deployment("Fixed", "- {name: Handoff__ShutdownDelay__Seconds, value: \"10\"}", annotation: "4")).Budgets.Single();

        (budget.InAppDelaySeconds, budget.InAppDelayOrigin).ShouldBe((4, new ValueOrigin(OriginKind.Annotation, "annotation handoff.dev/shutdown-delay-seconds")));
        budget.InAppDelayFromAppSettings.ShouldBeFalse();
    }

    [Fact]
    public void Analyze_EnvDelayShorterThanPropagation_HO102AsksForTheVariable()
    {
        var result = AnalyzeText(Deployment("Fixed", "- {name: Handoff__ShutdownDelay__Seconds, value: \"1\"}", annotation: null), new TimingSettings { Propagation = new Setting<Latency>(new Latency(8, 8), ValueOrigin.FromCommandLine("--propagation", "8s")) });
        var finding = result.Findings.Single(f => f.RuleId == "HO102");

        finding.Severity.ShouldBe(Severity.Error, "a propagation the user gave makes S < P a certain loss");
        var required = finding.Violation!.FixRequirement.ShouldBeOfType<AtLeast>();
        required.Field.ShouldBe(new ApiField(FieldScope.Container, "env Handoff__ShutdownDelay__Seconds"), "the variable that sets the delay is what must grow");
        required.Required.Value.ShouldBe(8);
    }

    private static string Deployment(string mode, string more, string? annotation) => $$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app}
        spec:
          replicas: 2
          selector: {matchLabels: {app: app}}
          template:
            metadata:
              labels: {app: app}
              {{{(annotation is null ? string.Empty : $"annotations: {{handoff.dev/shutdown-delay-seconds: \"{annotation}\"}}")}}}
            spec:
              terminationGracePeriodSeconds: 60
              containers:
                - name: app
                  image: registry.example.com/app:1
                  env:
                    - {name: Handoff__ShutdownDelay__Mode, value: "{{{mode}}}"}
                    {{{more}}}
                  ports: [{containerPort: 8080}]
                  readinessProbe: {httpGet: {path: /ready, port: 8080}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: app}
        spec:
          selector: {app: app}
          ports: [{port: 80, targetPort: 8080}]
        """;

    private static AnalysisResult AnalyzeText(string yaml, TimingSettings? timing = null) =>
        Analyzer.Analyze(ManifestSet.FromText(yaml, "app.yaml"), new AnalysisOptions { Timing = timing ?? TimingSettings.None });
}
