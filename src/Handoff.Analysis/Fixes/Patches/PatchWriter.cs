using System.Text;
using System.Text.Json;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Fixes.Patches;

/// <summary>The kind of patches written by 'fix --patch'.</summary>
public enum PatchKind
{
    /// <summary>Strategic-merge patches (kustomize 'patches' with a YAML object).</summary>
    StrategicMerge,

    /// <summary>RFC 6902 JSON patches (kustomize 'patches' with a target).</summary>
    Json6902,
}

/// <summary>The fixes cannot be expressed as patches (for example an object without a name).</summary>
public sealed class PatchException(string message) : Exception(message);

/// <summary>Writes the changes a fix makes as kustomize patches, for manifests rendered by Helm or kustomize.</summary>
/// <remarks>
/// The patches are computed from the objects before and after fixing, not from the text edits, so applying them with
/// 'kubectl kustomize' gives the same objects as 'fix --write'. New objects (a PodDisruptionBudget) become resources.
/// </remarks>
public static class PatchWriter
{
    // Lists Kubernetes merges by a key under strategic merge (containers, ports, env...): all use 'name' in what fixes touch.
    private const string MergeKey = "name";

    /// <summary>Writes a kustomization.yaml and the patches into <paramref name="directory"/>; returns the files written.</summary>
    /// <param name="result">The fix result.</param>
    /// <param name="kind">Strategic merge or JSON 6902.</param>
    /// <param name="directory">The output directory (created when missing).</param>
    /// <param name="baseDirectory">The directory relative input paths are resolved from.</param>
    public static IReadOnlyList<string> Write(FixResult result, PatchKind kind, string directory, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(result);
        var changed = result.Files.Where(f => f.Changed).ToList();
        if (changed.Count == 0)
        {
            return [];
        }

        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var resources = new List<string>();
        var patches = new List<(string Path, ObjectRef Target, string ApiVersion, bool ExplicitNamespace)>();

        // A file below a kustomization root is built through that root, never listed alone: its kustomization.yaml is
        // not an object, and the root's namespace and labels must still apply (kustomize refuses files outside the
        // directory it builds, and a kustomization as a resource).
        var layout = KustomizeLayout.Find(result.Files.Select(f => f.Original), result.Before.Model.Manifests.Documents);
        var roots = new List<string>();
        foreach (var file in result.Files)
        {
            if (file.Original.Path != "-" && layout.RootOf(Path.GetFullPath(file.Original.Path, baseDirectory)) is { } root)
            {
                roots.Add(root);
                resources.Add(RelativePath(root, directory, baseDirectory));
                continue;
            }

            resources.Add(ResourcePath(file.Original, directory, baseDirectory, written));
        }

        foreach (var change in changed)
        {
            var before = Objects(change.Original);
            var after = Objects(change.Original with { Text = change.Text });
            foreach (var (key, fixedObject) in after)
            {
                if (!before.TryGetValue(key, out var original))
                {
                    var name = FileName(fixedObject.Object, "yaml");
                    var sb = new StringBuilder();
                    PlainNode.WriteYaml(sb, fixedObject.Node, 0);
                    WriteFile(directory, name, sb.ToString(), written);
                    resources.Add(name);
                    continue;
                }

                if (PlainNode.Same(original.Node, fixedObject.Node))
                {
                    continue;
                }

                var obj = fixedObject.Object;
                if (obj.Name.Length == 0)
                {
                    throw new PatchException($"{obj.File.DisplayName}: a {obj.Kind} without metadata.name cannot be patched.");
                }

                string patchName;
                if (kind == PatchKind.StrategicMerge)
                {
                    patchName = FileName(obj, "yaml");
                    WriteFile(directory, patchName, StrategicMerge(obj, original.Node, fixedObject.Node), written);
                }
                else
                {
                    patchName = FileName(obj, "json");
                    WriteFile(directory, patchName, JsonPatch(original.Node, fixedObject.Node), written);
                }

                patches.Add((patchName, obj.Ref, obj.ApiVersion, obj.ExplicitNamespace is not null));
            }
        }

        // New objects (a PodDisruptionBudget) carry no namespace; they go where the kustomization puts the workload.
        var namespaces = roots.Distinct(StringComparer.Ordinal).Select(layout.NamespaceOf).Distinct(StringComparer.Ordinal).ToList();
        var ns = namespaces.Count == 1 ? namespaces[0] : null;
        WriteFile(directory, "kustomization.yaml", Kustomization(resources, patches, kind, ns), written);
        return written;
    }

    private static string ResourcePath(SourceFile file, string directory, string baseDirectory, List<string> written)
    {
        if (file.Path == "-")
        {
            // Standard input has no path to refer to: keep a copy of it as the resource.
            WriteFile(directory, "input.yaml", file.Text, written);
            return "input.yaml";
        }

        return RelativePath(Path.GetFullPath(file.Path, baseDirectory), directory, baseDirectory);
    }

    private static string RelativePath(string full, string directory, string baseDirectory) =>
        Path.GetRelativePath(Path.GetFullPath(directory, baseDirectory), full).Replace('\\', '/');

    private static Dictionary<ObjectRef, (KubeObject Object, PlainMap Node)> Objects(SourceFile file)
    {
        var set = ManifestSet.Parse([file]);
        var result = new Dictionary<ObjectRef, (KubeObject, PlainMap)>();
        foreach (var obj in set.Objects)
        {
            result[obj.Ref] = (obj, (PlainMap)PlainNode.From(obj.Node));
        }

        return result;
    }

    private static string StrategicMerge(KubeObject obj, PlainMap before, PlainMap after)
    {
        var metadata = new List<(string, PlainNode)> { ("name", new PlainScalar(obj.Name, IsString: true)) };
        if (obj.ExplicitNamespace is { } ns)
        {
            metadata.Add(("namespace", new PlainScalar(ns, IsString: true)));
        }

        var entries = new List<(string, PlainNode)>
        {
            ("apiVersion", new PlainScalar(obj.ApiVersion, IsString: true)),
            ("kind", new PlainScalar(obj.Kind, IsString: true)),
            ("metadata", new PlainMap(metadata)),
        };
        var diff = MergeDiff(before, after);
        entries.AddRange(diff.Entries.Where(e => e.Key is not "apiVersion" and not "kind" and not "metadata"));
        if (diff.Find("metadata") is PlainMap changedMetadata)
        {
            entries[2] = ("metadata", new PlainMap(metadata.Concat(changedMetadata.Entries.Where(e => e.Key is not "name" and not "namespace")).ToList()));
        }

        var sb = new StringBuilder();
        PlainNode.WriteYaml(sb, new PlainMap(entries), 0);
        return sb.ToString();
    }

    /// <summary>The strategic-merge patch from <paramref name="before"/> to <paramref name="after"/>: changed keys, null for removed ones.</summary>
    public static PlainMap MergeDiff(PlainMap before, PlainMap after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var entries = new List<(string, PlainNode)>();
        foreach (var (key, value) in after.Entries)
        {
            var old = before.Find(key);
            if (PlainNode.Same(old, value))
            {
                continue;
            }

            entries.Add((key, (old, value) switch
            {
                (PlainMap o, PlainMap n) => MergeDiff(o, n),
                (PlainSeq o, PlainSeq n) when IsKeyed(o) && IsKeyed(n) => MergeList(o, n),
                _ => value,
            }));
        }

        foreach (var (key, _) in before.Entries)
        {
            if (after.Find(key) is null)
            {
                entries.Add((key, PlainScalar.Null));
            }
        }

        return new PlainMap(entries);
    }

    private static bool IsKeyed(PlainSeq seq) => seq.Items.Count > 0 && seq.Items.All(i => i is PlainMap m && m.Find(MergeKey) is PlainScalar);

    private static PlainSeq MergeList(PlainSeq before, PlainSeq after)
    {
        var items = new List<PlainNode>();
        foreach (var item in after.Items.Cast<PlainMap>())
        {
            var name = item.Find(MergeKey)!;
            var old = before.Items.Cast<PlainMap>().FirstOrDefault(o => PlainNode.Same(o.Find(MergeKey), name));
            if (old is null)
            {
                items.Add(item);
            }
            else if (!PlainNode.Same(old, item))
            {
                var diff = MergeDiff(old, item);
                items.Add(new PlainMap([(MergeKey, name), .. diff.Entries]));
            }
        }

        return new PlainSeq(items);
    }

    private static string JsonPatch(PlainMap before, PlainMap after)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            JsonDiff(writer, string.Empty, before, after);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void JsonDiff(Utf8JsonWriter w, string path, PlainNode before, PlainNode after)
    {
        switch (before, after)
        {
            case (PlainMap o, PlainMap n):
                foreach (var (key, value) in n.Entries)
                {
                    var child = path + "/" + Escape(key);
                    if (o.Find(key) is { } old)
                    {
                        if (!PlainNode.Same(old, value))
                        {
                            JsonDiff(w, child, old, value);
                        }
                    }
                    else
                    {
                        Op(w, "add", child, value);
                    }
                }

                foreach (var (key, _) in o.Entries)
                {
                    if (n.Find(key) is null)
                    {
                        w.WriteStartObject();
                        w.WriteString("op", "remove");
                        w.WriteString("path", path + "/" + Escape(key));
                        w.WriteEndObject();
                    }
                }

                break;
            case (PlainSeq o, PlainSeq n) when o.Items.Count == n.Items.Count:
                for (var i = 0; i < n.Items.Count; i++)
                {
                    if (!PlainNode.Same(o.Items[i], n.Items[i]))
                    {
                        JsonDiff(w, path + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Items[i], n.Items[i]);
                    }
                }

                break;
            default:
                Op(w, "replace", path, after);
                break;
        }
    }

    private static void Op(Utf8JsonWriter w, string op, string path, PlainNode value)
    {
        w.WriteStartObject();
        w.WriteString("op", op);
        w.WriteString("path", path);
        w.WritePropertyName("value");
        PlainNode.WriteJson(w, value);
        w.WriteEndObject();
    }

    // RFC 6901: '~' is written '~0' and '/' is written '~1'.
    private static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Kustomization(List<string> resources, List<(string Path, ObjectRef Target, string ApiVersion, bool ExplicitNamespace)> patches, PatchKind kind, string? ns)
    {
        var sb = new StringBuilder();
        sb.Append("# Written by 'handoff fix --patch'. Build with: kubectl kustomize --load-restrictor LoadRestrictionsNone <this directory>\n");
        sb.Append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        if (ns is not null)
        {
            sb.Append("namespace: ").Append(new YamlScalarValue(ns, IsString: true).Render()).Append('\n');
        }

        sb.Append("resources:\n");
        foreach (var resource in resources.Distinct(StringComparer.Ordinal))
        {
            sb.Append("- ").Append(new YamlScalarValue(resource, IsString: true).Render()).Append('\n');
        }

        if (patches.Count > 0)
        {
            sb.Append("patches:\n");
        }

        foreach (var (path, target, apiVersion, explicitNamespace) in patches)
        {
            sb.Append("- path: ").Append(path).Append('\n');
            if (kind == PatchKind.Json6902)
            {
                var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
                sb.Append("  target:\n");
                if (slash > 0)
                {
                    sb.Append("    group: ").Append(apiVersion[..slash]).Append('\n');
                }

                sb.Append("    version: ").Append(slash > 0 ? apiVersion[(slash + 1)..] : apiVersion).Append('\n');
                sb.Append("    kind: ").Append(target.Kind).Append('\n');
                sb.Append("    name: ").Append(new YamlScalarValue(target.Name, IsString: true).Render()).Append('\n');
                if (explicitNamespace)
                {
                    sb.Append("    namespace: ").Append(new YamlScalarValue(target.Namespace, IsString: true).Render()).Append('\n');
                }
            }
        }

        return sb.ToString();
    }

    private static string FileName(KubeObject obj, string extension)
    {
        var name = $"{obj.Kind}-{(obj.ExplicitNamespace is { } ns ? ns + "-" : string.Empty)}{obj.Name}".ToLowerInvariant();
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray());
        return $"{safe}.{extension}";
    }

    private static void WriteFile(string directory, string name, string text, List<string> written)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        written.Add(path);
    }
}
