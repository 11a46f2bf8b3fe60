using System.Diagnostics;
using System.Text.Json;
using Handoff.Analysis.Fixes.Patches;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Tests.Policy;

/// <summary>
/// Runs tests/policy-eval/evaluate.mjs in a real 'node' child process: the generated policy text (read back with
/// Handoff's own YAML reader, so the YAML itself is tested) and the objects go in as JSON, the verdicts or mutated
/// objects come out. The CEL is evaluated by @bufbuild/cel; the evaluator binds object, params and lazy variables as the
/// API server does (and stands in for its apply-configuration merge in "mutate" mode).
/// </summary>
internal static class PolicyEvaluator
{
    public static string Dir => Path.Combine(RepoPaths.Root, "tests", "policy-eval");

    /// <summary>The evaluator's JSON output for <paramref name="cases"/> (id and object each) in <paramref name="mode"/>.</summary>
    public static string Run(string policyYaml, IEnumerable<(string Id, KubeObject Object)> cases, string mode = "validate", string? schemaJson = null)
    {
        File.Exists(Path.Combine(Dir, "node_modules", "@bufbuild", "cel", "package.json"))
            .ShouldBeTrue("@bufbuild/cel is not installed in tests/policy-eval: run eng/install-prereqs.sh");
        var documents = ManifestSet.FromText(policyYaml, "policy.yaml");
        documents.Errors.ShouldBeEmpty();
        using var input = new MemoryStream();
        using (var w = new Utf8JsonWriter(input))
        {
            w.WriteStartObject();
            w.WriteString("mode", mode);
            if (schemaJson is not null)
            {
                w.WritePropertyName("schema");
                using var schema = JsonDocument.Parse(schemaJson);
                schema.WriteTo(w);
            }

            w.WritePropertyName("documents");
            w.WriteStartArray();
            foreach (var doc in documents.Objects)
            {
                PlainNode.WriteJson(w, PlainNode.From(doc.Node));
            }

            w.WriteEndArray();
            w.WritePropertyName("cases");
            w.WriteStartArray();
            foreach (var (id, obj) in cases)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WritePropertyName("object");
                PlainNode.WriteJson(w, PlainNode.From(obj.Node));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        var info = new ProcessStartInfo("node", "evaluate.mjs")
        {
            WorkingDirectory = Dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(input.ToArray());
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("evaluate.mjs ran for more than 120 s");
        }

        process.ExitCode.ShouldBe(0, stderr.Result);
        return stdout.Result;
    }
}
