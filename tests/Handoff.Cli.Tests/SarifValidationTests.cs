using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Handoff.Cli.Tests;

/// <summary>
/// 'check --format sarif' checked by tools other than our own: the OASIS SARIF 2.1.0 JSON schema and the GitHub
/// ingestion rules (GH1xxx/GH2xxx) of Microsoft's SARIF Multitool, both from the npm package that
/// eng/install-prereqs.sh unpacks under artifacts/tools. Each check is also run on a copy broken on purpose, so a
/// check that cannot fail would show.
/// </summary>
public class SarifValidationTests
{
    private const string MultitoolVersion = "5.7.0";

    private static string ToolDirectory => Path.Combine(CliRunner.Root, "artifacts", "tools", $"sarif-multitool-{MultitoolVersion}");

    [Fact]
    public async Task Check_Sarif_IsValidAgainstTheSarif210Schema()
    {
        var schema = JsonSchema.FromText(await File.ReadAllTextAsync(RequireTool("sarif-2.1.0.json")));
        var sarif = JsonNode.Parse(await CheckSamplesAsSarifAsync())!;

        var result = schema.Evaluate(JsonSerializer.SerializeToElement(sarif), new EvaluationOptions { OutputFormat = OutputFormat.List });
        result.IsValid.ShouldBeTrue(Describe(result));

        sarif["runs"]![0]!["results"]![0]!["level"] = "severe";
        schema.Evaluate(JsonSerializer.SerializeToElement(sarif)).IsValid.ShouldBeFalse("a level outside none/note/warning/error must fail the schema");
    }

    [Fact(Timeout = 120_000)]
    public async Task Check_Sarif_PassesTheGitHubIngestionRulesOfTheSarifMultitool()
    {
        var tool = RequireTool("Sarif.Multitool");
        var work = Directory.CreateTempSubdirectory("handoff-sarif-");
        try
        {
            var good = Path.Combine(work.FullName, "handoff.sarif");
            var sarif = await CheckSamplesAsSarifAsync();
            await File.WriteAllTextAsync(good, sarif);

            // The same log with the first result's locations removed: GitHub refuses such a result.
            var broken = JsonNode.Parse(sarif)!;
            broken["runs"]![0]!["results"]![0]!.AsObject().Remove("locations");
            var bad = Path.Combine(work.FullName, "broken.sarif");
            await File.WriteAllTextAsync(bad, broken.ToJsonString());

            Validate(tool, good, work.FullName).ShouldBeEmpty();
            Validate(tool, bad, work.FullName).ShouldContain(r => r.StartsWith("GH", StringComparison.Ordinal));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<string> CheckSamplesAsSarifAsync()
    {
        var run = await CliRunner.RunAsync(["check", CliRunner.Samples, "--format", "sarif"]);
        run.ExitCode.ShouldBe(1, run.Stderr); // naive.yaml has findings on purpose
        return run.Stdout;
    }

    /// <summary>Runs 'Sarif.Multitool validate' with the SARIF and GitHub rule kinds; returns "ruleId: message" per problem.</summary>
    private static List<string> Validate(string tool, string file, string workDirectory)
    {
        var output = Path.ChangeExtension(file, ".validation.sarif");
        var (code, text) = CliRunner.Tool(tool, workDirectory, "validate", "--json-schema", RequireTool("sarif-2.1.0.json"), "--rule-kind", "Gh;Sarif", "--output", output, file);
        code.ShouldBe(0, text);
        using var log = JsonDocument.Parse(File.ReadAllText(output));
        var problems = new List<string>();
        foreach (var run in log.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (run.TryGetProperty("results", out var results))
            {
                problems.AddRange(results.EnumerateArray().Select(r => $"{r.GetProperty("ruleId").GetString()}: {r.GetProperty("message")}"));
            }

            // A log the tool could not read is reported as a notification, not a result.
            if (run.TryGetProperty("invocations", out var invocations))
            {
                foreach (var invocation in invocations.EnumerateArray())
                {
                    invocation.GetProperty("executionSuccessful").GetBoolean().ShouldBeTrue(invocation.ToString());
                }
            }
        }

        return problems;
    }

    private static string RequireTool(string file)
    {
        var path = Path.Combine(ToolDirectory, file);
        File.Exists(path).ShouldBeTrue($"{path} is missing: run 'bash eng/install-prereqs.sh' (it fetches @microsoft/sarif-multitool-linux@{MultitoolVersion} from npm).");
        return path;
    }

    private static string Describe(EvaluationResults result) =>
        string.Join(Environment.NewLine, (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
}
