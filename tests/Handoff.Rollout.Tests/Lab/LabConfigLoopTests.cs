using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Handoff.Rollout.Tests.Support;
using Xunit.Abstractions;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>
/// Measure, then fix, as a user would, with the real CLI: the lab loses requests to a preStop shorter than its 4 s
/// propagation and writes the measured propagation into the team's .handoff.yaml; 'fix --config' sizes preStop from
/// it; the lab run of the fixed manifest loses nothing.
/// </summary>
[Collection(LabSmokeCollection.Name)]
public sealed partial class LabConfigLoopTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("handoff-loop-").FullName;

    [Fact]
    public async Task LabWriteConfig_ThenFixWithIt_TheFixedManifestLosesNothing()
    {
        var manifest = Path.Combine(_folder, "orders-api.yaml");
        File.Copy(TestPaths.Fixture("measure-then-fix.yaml"), manifest);
        var config = Path.Combine(_folder, ".handoff.yaml");
        File.WriteAllText(config, "# Team settings: every CI job reads these.\nbuffer: 5s   # our SRE budget\nignore: [HO203]\n");
        string[] lab = ["--app", TestPaths.TestAppCommand, "--propagation", "4s", "--rps", "300", "--connections", "64", "--format", "json"];

        var first = await HandoffCli.RunAsync(["lab", manifest, "--duration", "30s", "--write-config", config, .. lab], TimeSpan.FromSeconds(150));
        output.WriteLine(first.Stderr);
        first.ExitCode.ShouldBe(1, first.Stderr);
        using (var report = JsonDocument.Parse(first.Stdout))
        {
            var summary = report.RootElement.GetProperty("summary");
            summary.GetProperty("failed").GetInt32().ShouldBeGreaterThan(50, "preStop 2 s, propagation 4 s: two pods refuse for about 2 s each");
            summary.GetProperty("mainCause").GetString().ShouldBe("sigTermBeforeEndpointRemoval");
            summary.GetProperty("observedPropagationSeconds").GetProperty("max").GetDouble().ShouldBeInRange(3.7, 4.3);
        }

        var written = File.ReadAllText(config);
        output.WriteLine(written);
        written.ShouldStartWith("# Team settings: every CI job reads these.\nbuffer: 5s   # our SRE budget\nignore: [HO203]\n# handoff --write-config: measured by handoff lab, ");
        var propagation = int.Parse(PropagationLine().Match(written).Groups["seconds"].Value, CultureInfo.InvariantCulture);
        propagation.ShouldBeInRange(5, 6, "about 4 s measured, + 25 % (at least 1 s), rounded up");
        first.Stderr.ShouldContain($"handoff lab: wrote propagation: {propagation}s (added to {config})");

        var fix = await HandoffCli.RunAsync(["fix", manifest, "--config", config, "--write"], TimeSpan.FromSeconds(60));
        fix.ExitCode.ShouldBe(0, fix.Stderr);
        var fixedText = File.ReadAllText(manifest);
        fixedText.ShouldContain($"sleep:\n                seconds: {propagation}\n", Case.Sensitive, "preStop now lasts the measured propagation");

        var check = await HandoffCli.RunAsync(["check", manifest, "--config", config], TimeSpan.FromSeconds(60));
        check.Stdout.ShouldNotContain("HO102");

        var second = await HandoffCli.RunAsync(["lab", manifest, "--duration", "35s", .. lab], TimeSpan.FromSeconds(150));
        output.WriteLine(second.Stderr);
        using (var report = JsonDocument.Parse(second.Stdout))
        {
            report.RootElement.GetProperty("summary").GetProperty("failed").GetInt32().ShouldBe(0, second.Stdout[..Math.Min(3000, second.Stdout.Length)]);
            report.RootElement.GetProperty("summary").GetProperty("sent").GetInt32().ShouldBeGreaterThan(5000);
        }

        second.ExitCode.ShouldBe(0, second.Stderr);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [GeneratedRegex(@"^propagation: (?<seconds>\d+)s$", RegexOptions.Multiline | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PropagationLine();
}
