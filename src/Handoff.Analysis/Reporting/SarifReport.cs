using System.Text.Encodings.Web;
using System.Text.Json;
using Handoff.Analysis.Rules;

namespace Handoff.Analysis.Reporting;

/// <summary>Writes SARIF 2.1.0, the format GitHub code scanning uploads.</summary>
/// <remarks>See https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning.</remarks>
public static class SarifReport
{
    /// <summary>Where the rules' documentation lives.</summary>
    public const string RulesDocsUri = "https://github.com/handoff-dev/handoff/blob/main/docs/rules.md";

    /// <summary>Writes the report; paths are made relative to <paramref name="baseDirectory"/> where they are below it.</summary>
    public static void Write(AnalysisResult result, Stream stream, string toolVersion, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        baseDirectory ??= Directory.GetCurrentDirectory();
        var rules = RuleCatalog.All;
        var index = rules.Select((r, i) => (r.Descriptor.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "Handoff");
        w.WriteString("informationUri", "https://github.com/handoff-dev/handoff");
        w.WriteString("semanticVersion", toolVersion);
        w.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            var d = rule.Descriptor;
            w.WriteStartObject();
            w.WriteString("id", d.Id);
            w.WriteString("name", d.Name);
            w.WriteStartObject("shortDescription");
            w.WriteString("text", d.Summary);
            w.WriteEndObject();
            w.WriteStartObject("fullDescription");
            w.WriteString("text", d.Summary);
            w.WriteEndObject();
            w.WriteStartObject("help");
            w.WriteString("text", $"{d.Summary} Fix: {d.Remediation}");
            w.WriteString("markdown", $"{d.Summary}\n\n**Fix:** {d.Remediation}\n\nSources: {string.Join(", ", d.Sources)}");
            w.WriteEndObject();
            w.WriteString("helpUri", $"{RulesDocsUri}#{d.DocsAnchor}");
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", Level(d.Severity));
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteStartArray("tags");
            w.WriteStringValue("kubernetes");
            w.WriteStringValue(d.Category.ToLowerInvariant());
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var f in result.Findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.Rule.Id);
            w.WriteNumber("ruleIndex", index[f.Rule.Id]);
            w.WriteString("level", Level(f.Severity));
            w.WriteStartObject("message");
            w.WriteString("text", f.Message);
            w.WriteEndObject();
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", ToUri(f.Location.File, baseDirectory));
            w.WriteEndObject();
            w.WriteStartObject("region");
            w.WriteNumber("startLine", f.Location.Line);
            w.WriteNumber("startColumn", f.Location.Column);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("logicalLocations");
            w.WriteStartObject();
            w.WriteString("fullyQualifiedName", $"{f.Object.Namespace}/{f.Object.Kind}/{f.Object.Name}{(f.Container is null ? string.Empty : "/" + f.Container)}");
            w.WriteString("kind", "resource");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            // The file is part of the identity: the same rule on Deployment 'api' of two apps (or of a dev and a prod
            // overlay) are two alerts, not one that GitHub folds together. No line: an edit above must not re-open it.
            w.WriteStartObject("partialFingerprints");
            w.WriteString("handoff/v2", Fingerprint(f, baseDirectory));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The partial fingerprint of a finding: rule, file (as written in the report), object and container.</summary>
    public static string Fingerprint(Finding finding, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return $"{finding.Rule.Id}:{ToUri(finding.Location.File, baseDirectory)}:{finding.Object}:{finding.Container}";
    }

    private static string Level(Severity severity) => severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "note",
    };

    private static string ToUri(string file, string baseDirectory)
    {
        if (file == "<stdin>")
        {
            return "stdin";
        }

        var full = Path.GetFullPath(file);
        var relative = Path.GetRelativePath(baseDirectory, full);
        var path = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
        return Uri.EscapeDataString(path.Replace('\\', '/')).Replace("%2F", "/", StringComparison.Ordinal);
    }
}
