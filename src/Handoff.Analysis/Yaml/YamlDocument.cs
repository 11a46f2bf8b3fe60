namespace Handoff.Analysis.Yaml;

/// <summary>One document of a YAML stream.</summary>
/// <param name="Index">0-based position in the stream.</param>
/// <param name="Root">The root node, or null for an empty document.</param>
/// <param name="Start">Where the document starts (its "---" or first content).</param>
/// <param name="End">Where it ends.</param>
/// <param name="Origin">The template named by a Helm "# Source:" comment above it, if any.</param>
public sealed record YamlDocument(int Index, YNode? Root, SourcePosition Start, SourcePosition End, string? Origin);
