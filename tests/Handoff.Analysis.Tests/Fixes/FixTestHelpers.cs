using Handoff.Analysis.Fixes;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Timing;

namespace Handoff.Analysis.Tests.Fixes;

internal static class FixTestHelpers
{
    public static FixResult Fix(string text, string path = "app.yaml", string? profile = null, string version = "1.32")
    {
        KubernetesVersion.TryParse(version, out var v).ShouldBeTrue();
        return FixPlanner.Run(ManifestSet.Parse([new SourceFile(path, text, SourceKind.Manifest)]), new AnalysisOptions { Profile = profile, Version = v });
    }

    public static string Fixed(string text, string path = "app.yaml", string? profile = null, string version = "1.32") =>
        Fix(text, path, profile, version).Files.Single().Text;

    public static IReadOnlyList<string> FindingIds(string text, string path = "app.yaml") =>
        Analyzer.Analyze(ManifestSet.Parse([new SourceFile(path, text, SourceKind.Manifest)])).Findings.Select(f => f.RuleId).ToList();

    public const string Service = """
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
            - port: 80
              targetPort: 8080

        """;
}
