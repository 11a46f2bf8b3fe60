using System.Globalization;

namespace Handoff.Analysis.Manifests;

/// <summary>Something a user should know about how the input was read or linked; not a finding and not an error.</summary>
/// <param name="Id">A stable kebab-case id for scripts ("not-checked", "defined-twice", "kustomize-patch").</param>
/// <param name="Message">One or more sentences, ending with a period.</param>
/// <param name="Places">The objects it is about.</param>
public sealed record Note(string Id, string Message, IReadOnlyList<SourceLocation> Places)
{
    /// <summary>"1 object", "3 objects".</summary>
    public static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}
