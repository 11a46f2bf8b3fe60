using System.Text.Json;

namespace Handoff.Cli.Tests;

/// <summary>'handoff check' as a user runs it: a real process, real exit codes, stdout and stderr.</summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(string name) => Path.Combine("samples", "deploy", name);

    [Fact]
    public async Task Check_Naive_ExitsOneAndExplainsWithNumbers()
    {
        var run = await CliRunner.RunAsync(["check", Sample("naive.yaml")]);

        run.ExitCode.ShouldBe(1);
        run.Stdout.ShouldContain("HO101 prestop-missing");
        run.Stdout.ShouldContain("up to 10 s");
        run.Stdout.ShouldContain("Profile kube-proxy-small");
        run.Stdout.ShouldNotContain("\u001b[", customMessage: "no colour codes when stdout is not a terminal");
        run.Stderr.ShouldBeEmpty();
    }

    [Fact]
    public async Task Check_Recommended_ExitsZero()
    {
        var run = await CliRunner.RunAsync(["check", Sample("recommended.yaml")]);

        run.ExitCode.ShouldBe(0, run.Stdout + run.Stderr);
        run.Stdout.ShouldContain("passed");
    }

    [Fact]
    public async Task Check_SamplesDirectory_ChecksEveryFile()
    {
        var run = await CliRunner.RunAsync(["check", "samples/deploy", "--format", "json"]);

        using var doc = JsonDocument.Parse(run.Stdout);
        var files = doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("file").GetString()).Distinct().ToList();
        files.ShouldContain(f => f!.EndsWith("naive.yaml", StringComparison.Ordinal));
        doc.RootElement.GetProperty("summary").GetProperty("files").GetInt32().ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Check_Stdin_ReadsRenderedManifests()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(CliRunner.Samples, "deploy", "naive.yaml"));

        var run = await CliRunner.RunAsync(["check", "-", "--format", "json"], stdin: text);

        run.ExitCode.ShouldBe(1);
        using var doc = JsonDocument.Parse(run.Stdout);
        doc.RootElement.GetProperty("findings").EnumerateArray().ShouldAllBe(f => f.GetProperty("file").GetString() == "<stdin>");
    }

    [Theory]
    [InlineData("error", 1)]
    [InlineData("never", 0)]
    public async Task Check_FailOn_DecidesTheExitCode(string failOn, int expected)
    {
        var run = await CliRunner.RunAsync(["check", Sample("naive.yaml"), "--fail-on", failOn]);

        run.ExitCode.ShouldBe(expected);
    }

    [Fact]
    public async Task Check_FailOnWarning_FailsAManifestWithOnlyWarnings()
    {
        var text = (await File.ReadAllTextAsync(Path.Combine(CliRunner.Samples, "deploy", "recommended.yaml")))
            .Replace("      maxUnavailable: 0", "      maxUnavailable: 1", StringComparison.Ordinal);
        var file = Path.Combine(_dir, "warn.yaml");
        await File.WriteAllTextAsync(file, text);

        (await CliRunner.RunAsync(["check", file])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(["check", file, "--fail-on", "warning"])).ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Check_Ignore_SkipsRules()
    {
        var run = await CliRunner.RunAsync(["check", Sample("naive.yaml"), "--ignore", "HO101,HO205", "--format", "json"]);

        run.ExitCode.ShouldBe(0);
        run.Stdout.ShouldNotContain("\"HO101\"");
        run.Stdout.ShouldNotContain("\"HO205\"");
    }

    [Fact]
    public async Task Check_BadInputNextToGoodInput_ExitsTwoWithOneLineErrorAndStillReports()
    {
        var bad = Path.Combine(_dir, "bad.yaml");
        await File.WriteAllTextAsync(bad, "kind: Service\nmetadata: {name: [x\n");
        var binary = Path.Combine(_dir, "blob.yaml");
        await File.WriteAllBytesAsync(binary, [0, 1, 2, 3, 0, 255]);

        var run = await CliRunner.RunAsync(["check", bad, binary, Sample("naive.yaml")]);

        run.ExitCode.ShouldBe(2);
        var errors = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        errors.Length.ShouldBe(2);
        errors.ShouldContain(l => l.StartsWith($"handoff: {bad}:3:1: ", StringComparison.Ordinal) && l.EndsWith('.'));
        errors.ShouldContain(l => l.StartsWith($"handoff: {binary}: ", StringComparison.Ordinal));
        run.Stderr.ShouldNotContain("   at ");
        run.Stdout.ShouldContain("HO101", customMessage: "the good file is still analysed");
        run.Stdout.ShouldContain("3 files (1 not read)", customMessage: "the binary file is refused before reading; the malformed one is read up to its error");

        var json = await CliRunner.RunAsync(["check", bad, binary, Sample("naive.yaml"), "--format", "json"]);
        using var doc = JsonDocument.Parse(json.Stdout);
        doc.RootElement.GetProperty("summary").GetProperty("files").GetInt32().ShouldBe(2);
        doc.RootElement.GetProperty("summary").GetProperty("filesNotRead").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Check_HugeAndDeepInput_FailFastWithoutHanging()
    {
        var deep = Path.Combine(_dir, "deep.yaml");
        await File.WriteAllTextAsync(deep, new string('[', 10_000) + new string(']', 10_000));
        var big = Path.Combine(_dir, "big.yaml");
        await using (var s = File.Create(big))
        {
            s.SetLength(50L * 1024 * 1024);
        }

        var run = await CliRunner.RunAsync(["check", deep, big], timeout: TimeSpan.FromSeconds(30));

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("deeper than 200 levels");
        run.Stderr.ShouldContain("50.0 MiB");
        run.Stderr.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("--profile", "gke-nope")]
    [InlineData("--k8s-version", "latest")]
    [InlineData("--format", "xml")]
    [InlineData("--ignore", "HO999")]
    public async Task Check_BadOption_ExitsTwo(string option, string value)
    {
        var run = await CliRunner.RunAsync(["check", Sample("naive.yaml"), option, value]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldNotBeEmpty();
        run.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Check_NoPath_IsAUsageError()
    {
        var run = await CliRunner.RunAsync(["check"]);

        run.ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Check_Sarif_IsValidJsonWithResults()
    {
        var run = await CliRunner.RunAsync(["check", Sample("naive.yaml"), "--format", "sarif"]);

        using var doc = JsonDocument.Parse(run.Stdout);
        doc.RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");
        doc.RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Check_ExportersBehindHeadlessAndMetricsServices_SaysWhyEachServesNothingAndPasses()
    {
        // kube-prometheus exporters (headless Services) and Argo CD's controller (a metrics-only Service), issue 13.1.
        var run = await CliRunner.RunAsync(["check", Path.Combine("tests", "fixtures", "field", "kube-prometheus"), Path.Combine("tests", "fixtures", "field", "argocd")]);

        run.Stdout.ShouldContain("-- DaemonSet monitoring/node-exporter");
        run.Stdout.ShouldContain("not serving: Service 'node-exporter' is headless (clusterIP: None: clients resolve pod IPs through DNS, kube-proxy does not program it); rules about traffic do not apply");
        run.Stdout.ShouldContain("not serving: Service 'argocd-metrics' has only metrics ports (metrics)");
        run.Stdout.ShouldContain("serving: ClusterIP Service 'argocd-server' port http, https");
        run.Stdout.ShouldNotContain("node-exporter' gets SIGTERM");
        run.Stdout.ShouldNotContain("kube-rbac-proxy");
        run.Stdout.ShouldContain("HO101 prestop-missing", customMessage: "argocd-server serves users and keeps its findings");
        run.ExitCode.ShouldBe(1);
    }

    [Fact]
    public async Task Rules_Markdown_IsTheCheckedInDocs()
    {
        var run = await CliRunner.RunAsync(["rules", "--format", "markdown"]);

        run.ExitCode.ShouldBe(0);
        run.Stdout.ShouldBe(await File.ReadAllTextAsync(Path.Combine(CliRunner.Root, "docs", "rules.md")));
    }
}

/// <summary>The CI traps of issue 13.9, as a pipeline meets them: real processes, real exit codes.</summary>
public sealed class CiTrapTests
{
    private static string Traps(string name) => Path.Combine("tests", "fixtures", "field-traps", name);

    [Theory]
    [InlineData("check")]
    [InlineData("fix")]
    [InlineData("explain")]
    [InlineData("lab")]
    [InlineData("verify")]
    [InlineData("rules")]
    public async Task MisspeltOption_IsAUsageErrorNamingIt(string command)
    {
        var run = await CliRunner.RunAsync([command, Path.Combine("samples", "deploy", "naive.yaml"), "--fromat", "json"]);

        run.ExitCode.ShouldBe(2, run.Stdout + run.Stderr);
        run.Stderr.ShouldContain("unknown option '--fromat'");
        run.Stderr.ShouldNotContain("No such file");
    }

    [Fact]
    public async Task PathAfterDoubleDash_IsAPathEvenWithADash()
    {
        var run = await CliRunner.RunAsync(["check", "--", "-no-such-file.yaml"]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("-no-such-file.yaml: No such file or directory.");
        run.Stderr.ShouldNotContain("unknown option");
    }

    [Theory]
    [InlineData("empty-dir", "no YAML, JSON or Dockerfile was found")]
    [InlineData("not-kubernetes", "2 files read, none holding a Kubernetes object")]
    public async Task NothingToCheck_IsExitTwoWithASentence(string trap, string sentence)
    {
        foreach (var command in new[] { "check", "explain", "fix" })
        {
            var run = await CliRunner.RunAsync([command, Traps(trap)]);

            run.ExitCode.ShouldBe(2, $"{command}: {run.Stdout}{run.Stderr}");
            run.Stderr.ShouldContain(sentence);
            run.Stdout.ShouldNotContain("passed");
        }
    }

    [Fact]
    public async Task UnrenderedChart_SaysToRenderIt()
    {
        var run = await CliRunner.RunAsync(["check", Traps("helm-chart")]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("templates/deployment.yaml:6:7:");
        run.Stderr.ShouldContain("render it with 'helm template'");
    }

    [Fact]
    public async Task Exclude_SkipsPathsAndIsRepeatable()
    {
        var all = await CliRunner.RunAsync(["check", Path.Combine("tests", "fixtures", "field"), "--format", "json", "--fail-on", "never"]);
        var some = await CliRunner.RunAsync(["check", Path.Combine("tests", "fixtures", "field"), "--format", "json", "--fail-on", "never", "--exclude", "kube-prometheus", "--exclude", "operators/*.yaml"]);

        all.ExitCode.ShouldBe(0, all.Stderr);
        some.ExitCode.ShouldBe(0, some.Stderr);
        using var allDoc = System.Text.Json.JsonDocument.Parse(all.Stdout);
        using var someDoc = System.Text.Json.JsonDocument.Parse(some.Stdout);
        var files = someDoc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("file").GetString()!).ToList();
        files.ShouldNotBeEmpty();
        files.ShouldAllBe(f => !f.Contains("kube-prometheus", StringComparison.Ordinal) && !f.Contains("operators", StringComparison.Ordinal));
        someDoc.RootElement.GetProperty("summary").GetProperty("files").GetInt32()
            .ShouldBe(allDoc.RootElement.GetProperty("summary").GetProperty("files").GetInt32() - 6);
    }

    [Fact]
    public async Task FieldCorpus_JsonAndTextNameTheObjectsNotChecked()
    {
        var json = await CliRunner.RunAsync(["check", Path.Combine("tests", "fixtures", "field", "operators"), "--format", "json", "--fail-on", "never"]);
        var text = await CliRunner.RunAsync(["check", Path.Combine("tests", "fixtures", "field", "operators"), "--fail-on", "never"]);

        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        var note = doc.RootElement.GetProperty("notes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "not-checked");
        note.GetProperty("message").GetString().ShouldStartWith("3 objects with pods were not checked: ");
        note.GetProperty("places").GetArrayLength().ShouldBe(3);
        text.Stdout.ShouldContain("note 3 objects with pods were not checked: ");
    }

    [Fact]
    public async Task Sarif_SameRuleAndObjectInTwoFiles_HaveDifferentFingerprints()
    {
        // The dev and prod copies of one manifest: same rules on the same object, in two files.
        var dir = Directory.CreateTempSubdirectory("handoff-sarif-").FullName;
        try
        {
            var naive = await File.ReadAllTextAsync(Path.Combine(CliRunner.Samples, "deploy", "naive.yaml"));
            foreach (var env in new[] { "dev", "prod" })
            {
                Directory.CreateDirectory(Path.Combine(dir, env));
                await File.WriteAllTextAsync(Path.Combine(dir, env, "app.yaml"), naive);
            }

            var run = await CliRunner.RunAsync(["check", dir, "--format", "sarif", "--fail-on", "never"]);

            using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
            var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .Select(r => (
                    Uri: r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!,
                    Rule: r.GetProperty("ruleId").GetString()!,
                    Fingerprint: r.GetProperty("partialFingerprints").GetProperty("handoff/v2").GetString()!))
                .ToList();
            var dev = results.Where(r => r.Uri.Contains("/dev/", StringComparison.Ordinal)).ToList();
            var prod = results.Where(r => r.Uri.Contains("/prod/", StringComparison.Ordinal)).ToList();
            dev.ShouldNotBeEmpty();
            dev.Select(r => r.Rule).Order(StringComparer.Ordinal).ShouldBe(prod.Select(r => r.Rule).Order(StringComparer.Ordinal), "each rule fires on both copies");
            dev.Select(r => r.Fingerprint).Intersect(prod.Select(r => r.Fingerprint), StringComparer.Ordinal).ShouldBeEmpty();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
