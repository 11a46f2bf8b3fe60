using Handoff.Analysis.Input;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Manifests;

/// <summary>Identifies an object the way kubectl prints it.</summary>
public readonly record struct ObjectRef(string Kind, string Namespace, string Name)
{
    /// <summary>"Kind namespace/name".</summary>
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary>A place in the user's input.</summary>
/// <param name="File">The file's display name.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Origin">The Helm template the object was rendered from, when a "# Source:" comment says so.</param>
public sealed record SourceLocation(string File, int Line, int Column, string? Origin = null)
{
    /// <summary>"file:line:column".</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>One Kubernetes object of the input, with its document and source.</summary>
public sealed class KubeObject
{
    // Read on first use: most objects of a large input are never asked for their labels or annotations.
    private IReadOnlyDictionary<string, string>? _labels;
    private IReadOnlyDictionary<string, string>? _annotations;

    internal KubeObject(SourceFile file, YamlDocument document, YMap node, string apiVersion, string kind,
        string name, string? @namespace, YMap? metadata, string unit)
    {
        Unit = unit;
        File = file;
        Document = document;
        Node = node;
        ApiVersion = apiVersion;
        Kind = kind;
        Name = name;
        ExplicitNamespace = @namespace;
        Metadata = metadata;
    }

    /// <summary>
    /// The unit the object belongs to: its kustomization root (a folder holding kustomization.yaml) or else its folder,
    /// plus the Helm chart named by a "# Source:" comment. Links are made within a unit before across units.
    /// </summary>
    public string Unit { get; }

    /// <summary>The file the object came from.</summary>
    public SourceFile File { get; }

    /// <summary>The YAML document holding it.</summary>
    public YamlDocument Document { get; }

    /// <summary>The object's mapping node.</summary>
    public YMap Node { get; }

    /// <summary>apiVersion, for example "apps/v1".</summary>
    public string ApiVersion { get; }

    /// <summary>The API group ("" for the core group).</summary>
    public string Group => ApiVersion.Contains('/', StringComparison.Ordinal) ? ApiVersion[..ApiVersion.IndexOf('/', StringComparison.Ordinal)] : string.Empty;

    /// <summary>kind, for example "Deployment".</summary>
    public string Kind { get; }

    /// <summary>metadata.name ("" when missing, as in a generateName template).</summary>
    public string Name { get; }

    /// <summary>metadata.namespace as written, or null.</summary>
    public string? ExplicitNamespace { get; }

    /// <summary>The namespace Kubernetes would use when applied without -n: as written, else "default".</summary>
    public string Namespace => ExplicitNamespace ?? "default";

    /// <summary>The metadata mapping, or null.</summary>
    public YMap? Metadata { get; }

    /// <summary>metadata.labels.</summary>
    public IReadOnlyDictionary<string, string> Labels => _labels ??= ReadStringMap(Metadata?["labels"] as YMap);

    /// <summary>metadata.annotations.</summary>
    public IReadOnlyDictionary<string, string> Annotations => _annotations ??= ReadStringMap(Metadata?["annotations"] as YMap);

    /// <summary>Kind, namespace and name.</summary>
    public ObjectRef Ref => new(Kind, Namespace, Name);

    /// <summary>The location of <paramref name="node"/> (or of the object itself) in the input.</summary>
    public SourceLocation LocationOf(YNode? node = null)
    {
        var at = (node ?? Node).Start;
        return new SourceLocation(File.DisplayName, at.Line, at.Column, Document.Origin);
    }

    /// <inheritdoc/>
    public override string ToString() => Ref.ToString();

    internal static IReadOnlyDictionary<string, string> ReadStringMap(YMap? map)
    {
        if (map is null || map.Count == 0)
        {
            return EmptyMap;
        }

        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        map.CopyScalarPairs(result);
        return result;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>(StringComparer.Ordinal);
}
