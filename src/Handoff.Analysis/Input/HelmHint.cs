using System.Text.RegularExpressions;

namespace Handoff.Analysis.Input;

/// <summary>Tells a user who checked a Helm chart's templates, not its output, how to check what the cluster gets.</summary>
/// <remarks>
/// Template actions ('{{ .Values.x }}', '{{- if }}', '{{ include }}') are not YAML; a template file either fails to
/// parse or parses into objects with strings where numbers belong. The hint is added to such an error only, so that
/// Go templates that are data (Prometheus alert descriptions with '{{ $labels.pod }}') never draw it.
/// </remarks>
public static partial class HelmHint
{
    /// <summary>The sentence appended.</summary>
    public const string Text = "The file holds Helm template code ('{{ ... }}'): render it with 'helm template' and check the output.";

    /// <summary>Whether the text holds a Helm template action (not a plain '{{' inside data).</summary>
    public static bool HasTemplateCode(string text) => text.Contains("{{", StringComparison.Ordinal) && Action().IsMatch(text);

    /// <summary>Adds the hint to <paramref name="error"/> when <paramref name="text"/> holds template code.</summary>
    public static InputError Add(InputError error, string text)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(text);
        return HasTemplateCode(text) && !error.Message.Contains(Text, StringComparison.Ordinal)
            ? error with { Message = $"{error.Message} {Text}" }
            : error;
    }

    // Actions Helm charts use: values, release and chart fields, includes, control flow and the common functions.
    [GeneratedRegex(@"\{\{-?\s*(\.Values|\.Release|\.Chart|\.Capabilities|\.Files|include\s|template\s|if\s|else|end\s*-?\}\}|range\s|with\s|define\s|toYaml|tpl\s|\$\w*\s*:=)", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Action();
}
