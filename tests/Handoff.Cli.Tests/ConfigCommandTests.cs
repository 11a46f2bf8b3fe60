using System.Text.Json;
using Json.Schema;

namespace Handoff.Cli.Tests;

/// <summary>.handoff.yaml, --propagation, --drain and 'handoff config' as a user runs them: a real process in a real folder tree.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string Naive() => Write("k8s/apps/web.yaml", File.ReadAllText(Path.Combine(CliRunner.Samples, "deploy", "naive.yaml")));

    [Fact]
    public async Task Check_Propagation_ReplacesTheProfilesNumberAndSaysItIsYours()
    {
        var run = await CliRunner.RunAsync(["check", Naive(), "--propagation", "25s"]);

        run.ExitCode.ShouldBe(1);
        run.Stdout.ShouldContain("25 s, your number (--propagation 25s)");
        run.Stdout.ShouldContain("up to 25 s");
    }

    [Fact]
    public async Task Check_ConfigInAParentFolder_IsFoundAndNamedInJson()
    {
        var web = Naive();
        Write(".handoff.yaml", "propagation: 18s\ndrain: 35s\n");

        var run = await CliRunner.RunAsync(["check", web, "--format", "json"], workingDirectory: _dir);

        run.ExitCode.ShouldBe(1, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var summary = json.RootElement.GetProperty("summary");
        var propagation = summary.GetProperty("propagation")[0];
        propagation.GetProperty("seconds").GetDouble().ShouldBe(18);
        propagation.GetProperty("source").GetString().ShouldBe(".handoff.yaml:1:14");
        summary.GetProperty("drain").GetProperty("seconds").GetDouble().ShouldBe(35);
    }

    [Fact]
    public async Task Fix_GivenPropagation_SaysTheNumberIsTheUsersNotTheProfiles()
    {
        var web = Naive();
        Write(".handoff.yaml", "propagation: 18s\n");

        var fromFile = await CliRunner.RunAsync(["fix", web], workingDirectory: _dir);
        var fromFlag = await CliRunner.RunAsync(["fix", web, "--propagation", "25s"], workingDirectory: _dir);

        // The planned fixes are listed on stderr; the diff is on stdout.
        fromFile.Stderr.ShouldContain("Add a preStop 'sleep' of 18 s to container 'frontend' (your propagation, .handoff.yaml:1:14:", customMessage: fromFile.Stderr);
        fromFlag.Stderr.ShouldContain("Add a preStop 'sleep' of 25 s to container 'frontend' (your propagation, --propagation 25s:", customMessage: fromFlag.Stderr);
        fromFlag.Stderr.ShouldNotContain("kube-proxy-small");
    }

    [Fact]
    public async Task Check_CommandLine_BeatsTheFile()
    {
        var web = Naive();
        Write(".handoff.yaml", "propagation: 18s\n");

        var run = await CliRunner.RunAsync(["check", web, "--propagation", "3s"], workingDirectory: _dir);

        run.Stdout.ShouldContain("3 s, your number (--propagation 3s)");
    }

    [Fact]
    public async Task Check_BadConfig_IsExitTwoWithFileLineColumnAndNoStackTrace()
    {
        var web = Naive();
        Write(".handoff.yaml", "# team settings\nprofle: gke-neg\npropagation: soon\n");

        var run = await CliRunner.RunAsync(["check", web], workingDirectory: _dir);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain(".handoff.yaml:2:1: Unknown key 'profle' (did you mean 'profile'?)");
        run.Stderr.ShouldContain(".handoff.yaml:3:14: 'propagation' must be a duration");
        run.Stderr.ShouldNotContain("   at ");
        run.Stdout.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("--propagation", "soon")]
    [InlineData("--drain", "forever")]
    public async Task Check_BadDurationOption_IsExitTwoNamingIt(string option, string value)
    {
        var run = await CliRunner.RunAsync(["check", Naive(), option, value]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain($"{option} '{value}'");
    }

    [Fact]
    public async Task Check_MissingConfigOption_IsExitTwo()
    {
        var run = await CliRunner.RunAsync(["check", Naive(), "--config", Path.Combine(_dir, "nope.yaml")]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("does not exist");
    }

    [Fact]
    public async Task Check_CustomProfileFromTheFile_IsUsableWithProfile()
    {
        var web = Naive();
        var config = Write("ci/handoff.yaml", """
            profiles:
              - id: corp-f5
                title: Corporate F5 pool
                summary: Measured by the platform team.
                planes: [{name: F5 pool, kind: cloud-l4, latency: 45s, source: platform runbook}]
            """);

        var run = await CliRunner.RunAsync(["check", web, "--config", config, "--profile", "corp-f5"]);

        run.ExitCode.ShouldBe(1, run.Stderr);
        run.Stdout.ShouldContain("F5 pool 45 s");
    }

    [Fact]
    public async Task ConfigShow_PrintsEverySettingWithItsOrigin()
    {
        Naive();
        Write(".handoff.yaml", "profile: aws-alb\npropagation:\n  workloads: {'front*': 30s}\n");

        var run = await CliRunner.RunAsync(["config", "show", "k8s", "--drain", "25s"], workingDirectory: _dir);

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("Configuration file:");
        run.Stdout.ShouldMatch(@"profile\s+aws-alb\s+\(\.handoff\.yaml:1:10\)");
        run.Stdout.ShouldMatch(@"propagation\.workloads\.front\*\s+30 s\s+\(\.handoff\.yaml:3:25\)");
        run.Stdout.ShouldMatch(@"drain\s+25 s\s+\(--drain 25s\)");
        run.Stdout.ShouldMatch(@"buffer\s+10 s\s+\(default\)");
    }

    [Fact]
    public async Task ConfigSchema_IsAJsonSchemaThatAcceptsGoodFilesAndRejectsBadOnes()
    {
        var run = await CliRunner.RunAsync(["config", "schema"]);

        run.ExitCode.ShouldBe(0);
        var schema = JsonSchema.FromText(run.Stdout);
        var good = JsonDocument.Parse("""{"profile":"gke-neg","propagation":{"default":"25s","workloads":{"api-*":"5s..30s"}},"drain":"1m","ignore":["HO203"]}""").RootElement;
        var unknownKey = JsonDocument.Parse("""{"profle":"gke-neg"}""").RootElement;
        var badDuration = JsonDocument.Parse("""{"drain":"soon"}""").RootElement;
        schema.Evaluate(good).IsValid.ShouldBeTrue();
        schema.Evaluate(unknownKey).IsValid.ShouldBeFalse();
        schema.Evaluate(badDuration).IsValid.ShouldBeFalse();

        // The published copy in docs is the same text.
        (await File.ReadAllTextAsync(Path.Combine(CliRunner.Root, "docs", "handoff.schema.json"))).TrimEnd().ShouldBe(run.Stdout.TrimEnd());
    }
}
