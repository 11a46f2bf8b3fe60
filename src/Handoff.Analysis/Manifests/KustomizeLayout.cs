using Handoff.Analysis.Input;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Manifests;

/// <summary>The kustomization roots of the input (folders holding kustomization.yaml) and the patch files they name.</summary>
/// <remarks>
/// A tree checked as it is in git holds kustomize bases, overlays and their patches. A patch is a fragment of an object
/// (a strategic-merge patch of a Deployment may hold only 'spec.replicas'), so reading it as an object makes errors
/// about fields it never meant to carry. Patch files named under 'patches', 'patchesStrategicMerge' or
/// 'patchesJson6902' are set aside, and every object below a kustomization root belongs to that root's unit.
/// </remarks>
internal sealed class KustomizeLayout
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal) { "kustomization.yaml", "kustomization.yml", "Kustomization" };

    private readonly List<string> _roots;
    private readonly HashSet<string> _patches;
    private readonly Dictionary<string, string> _namespaces;

    private KustomizeLayout(List<string> roots, HashSet<string> patches, Dictionary<string, string> namespaces)
    {
        _roots = roots;
        _patches = patches;
        _namespaces = namespaces;
    }

    public static KustomizeLayout Find(IEnumerable<SourceFile> files, IReadOnlyDictionary<SourceFile, IReadOnlyList<YamlDocument>> documents)
    {
        var roots = new List<string>();
        var patches = new HashSet<string>(StringComparer.Ordinal);
        var namespaces = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file.Path == "-" || !Names.Contains(Path.GetFileName(file.Path)))
            {
                continue;
            }

            var root = Path.GetDirectoryName(Path.GetFullPath(file.Path))!;
            roots.Add(root);
            foreach (var doc in documents[file])
            {
                if (doc.Root is not YMap kustomization)
                {
                    continue;
                }

                if (kustomization["namespace"] is YScalar { Value.Length: > 0 } ns)
                {
                    namespaces[root] = ns.Value;
                }

                foreach (var key in new[] { "patches", "patchesStrategicMerge", "patchesJson6902" })
                {
                    if (kustomization[key] is not YSeq list)
                    {
                        continue;
                    }

                    foreach (var item in list.Items)
                    {
                        var path = item switch
                        {
                            YScalar s => s.Value,
                            YMap m => (m["path"] as YScalar)?.Value,
                            _ => null,
                        };
                        if (path is { Length: > 0 } && !path.Contains('\n', StringComparison.Ordinal))
                        {
                            patches.Add(Path.GetFullPath(Path.Combine(root, path)));
                        }
                    }
                }
            }
        }

        // The nearest root wins: the longest first.
        roots.Sort((a, b) => b.Length.CompareTo(a.Length));
        return new KustomizeLayout(roots, patches, namespaces);
    }

    /// <summary>The namespace the kustomization at <paramref name="root"/> sets for its objects, or null.</summary>
    public string? NamespaceOf(string root) => _namespaces.GetValueOrDefault(root);

    /// <summary>The nearest kustomization root holding <paramref name="path"/>, or null.</summary>
    public string? RootOf(string path)
    {
        if (path == "-" || _roots.Count == 0)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        return _roots.Find(r => full.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    /// <summary>Whether a kustomization names the file as a patch.</summary>
    public bool IsPatch(string path) => path != "-" && _patches.Count > 0 && _patches.Contains(Path.GetFullPath(path));
}
