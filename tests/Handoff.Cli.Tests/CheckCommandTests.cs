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
    public async Task Rules_Markdown_IsTheCheckedInDocs()
    {
        var run = await CliRunner.RunAsync(["rules", "--format", "markdown"]);

        run.ExitCode.ShouldBe(0);
        run.Stdout.ShouldBe(await File.ReadAllTextAsync(Path.Combine(CliRunner.Root, "docs", "rules.md")));
    }
}
