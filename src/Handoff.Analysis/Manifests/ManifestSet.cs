using Handoff.Analysis.Input;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Manifests;

/// <summary>Every object and Dockerfile of the input, with the errors met while reading them.</summary>
public sealed class ManifestSet
{
    private IReadOnlyList<string>? _unread;

    private ManifestSet(IReadOnlyList<SourceFile> files, IReadOnlyList<KubeObject> objects, IReadOnlyList<InputError> errors,
        IReadOnlyDictionary<SourceFile, IReadOnlyList<YamlDocument>> documents, IReadOnlyList<Note> notes)
    {
        Files = files;
        Objects = objects;
        Errors = errors;
        Documents = documents;
        Notes = notes;
    }

    /// <summary>What the reader set aside and why (kustomize patches are not objects of their own).</summary>
    public IReadOnlyList<Note> Notes { get; }

    /// <summary>Every file read (manifests and Dockerfiles).</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>Kubernetes objects in input order, "kind: List" items expanded.</summary>
    public IReadOnlyList<KubeObject> Objects { get; }

    /// <summary>Problems with the input; the rest of it is still analysed.</summary>
    public IReadOnlyList<InputError> Errors { get; }

    /// <summary>Files given that could not be read at all (missing, too big, binary): named by their errors, not in <see cref="Files"/>.</summary>
    public IReadOnlyList<string> Unread => _unread ??= FindUnread();

    /// <summary>The YAML documents of each manifest file.</summary>
    public IReadOnlyDictionary<SourceFile, IReadOnlyList<YamlDocument>> Documents { get; }

    /// <summary>Dockerfiles of the input.</summary>
    public IEnumerable<SourceFile> Dockerfiles => Files.Where(f => f.Kind == SourceKind.Dockerfile);

    /// <summary>Reads files already loaded; errors of loading can be passed to be kept with the rest.</summary>
    public static ManifestSet Parse(IEnumerable<SourceFile> files, IEnumerable<InputError>? loadErrors = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var fileList = files.ToList();
        var objects = new List<KubeObject>();
        var errors = new List<InputError>(loadErrors ?? []);
        var documents = new Dictionary<SourceFile, IReadOnlyList<YamlDocument>>();
        var manifests = fileList.Where(f => f.Kind == SourceKind.Manifest).ToList();
        foreach (var file in manifests)
        {
            var (docs, error) = YamlReader.Read(file, limits);
            documents[file] = docs;
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        var kustomize = KustomizeLayout.Find(manifests, documents);
        var patches = new List<KubeObject>();
        foreach (var file in manifests)
        {
            var unitFolder = kustomize.RootOf(file.Path) ?? DirectoryOf(file.Path);
            var target = kustomize.IsPatch(file.Path) ? patches : objects;
            foreach (var doc in documents[file])
            {
                if (doc.Root is not null)
                {
                    AddObject(target, errors, file, doc, doc.Root, isListItem: false, UnitOf(unitFolder, doc.Origin));
                }
            }
        }

        var notes = new List<Note>();
        if (patches.Count > 0)
        {
            notes.Add(new Note("kustomize-patch", Note.Count(patches.Count, "object") + " in kustomize patch files " +
                (patches.Count == 1 ? "was" : "were") + " not checked on " + (patches.Count == 1 ? "its" : "their") +
                " own (a patch changes an object of its base; check the output of 'kubectl kustomize' to see the result): " +
                string.Join(", ", patches.Select(p => $"{p.Ref} ({p.File.DisplayName})")) + ".",
                [.. patches.Select(p => p.LocationOf())]));
        }

        // Dockerfiles are parsed once here (and cached) so that their syntax errors are reported with the rest.
        foreach (var file in fileList.Where(f => f.Kind == SourceKind.Dockerfile))
        {
            errors.AddRange(Handoff.Analysis.Dockerfiles.DockerfileParser.Parse(file).Errors);
        }

        return new ManifestSet(fileList, objects, errors, documents, notes);
    }

    /// <summary>Loads paths (files, directories, "-") and parses them, skipping paths that match <paramref name="exclude"/>.</summary>
    public static ManifestSet Load(IEnumerable<string> paths, TextReader? stdin = null, InputLimits? limits = null, IReadOnlyCollection<PathGlob>? exclude = null)
    {
        var (files, errors) = InputLoader.Load(paths, stdin, limits, exclude);
        return Parse(files, errors, limits);
    }

    /// <summary>Parses text as if it were a file (tests, benchmarks, stdin).</summary>
    public static ManifestSet FromText(string text, string path = "input.yaml") =>
        Parse([new SourceFile(path, text, InputLoader.KindOf(path) ?? SourceKind.Manifest)]);

    private static string DirectoryOf(string path) => path == "-" ? "-" : Path.GetDirectoryName(Path.GetFullPath(path)) ?? path;

    /// <summary>The unit an object belongs to: its kustomization root or folder, and the Helm chart a "# Source:" comment names.</summary>
    private static string UnitOf(string folder, string? origin)
    {
        if (origin is null)
        {
            return folder;
        }

        // "umbrella/charts/redis/templates/master.yaml" belongs to chart "umbrella/charts/redis".
        var templates = origin.IndexOf("/templates/", StringComparison.Ordinal);
        var chart = templates > 0 ? origin[..templates] : origin.Split('/')[0];
        return folder + "#" + chart;
    }

    private static void AddObject(List<KubeObject> objects, List<InputError> errors, SourceFile file, YamlDocument doc, YNode node, bool isListItem, string unit)
    {
        if (node is YScalar { IsNull: true })
        {
            return;
        }

        if (node is not YMap map)
        {
            errors.Add(Error(file, node, isListItem ? "A List item is not a mapping; it is skipped." : "The document is not a mapping (a Kubernetes object); it is skipped."));
            return;
        }

        var kind = (map["kind"] as YScalar)?.Value;
        var apiVersion = (map["apiVersion"] as YScalar)?.Value;
        if (kind is null || apiVersion is null)
        {
            // Not a Kubernetes object (a values file, a kustomization without kind...): not ours to judge.
            return;
        }

        if (kind is "List" || (kind.EndsWith("List", StringComparison.Ordinal) && map["items"] is YSeq && apiVersion == "v1"))
        {
            if (map["items"] is YSeq items)
            {
                foreach (var item in items.Items)
                {
                    AddObject(objects, errors, file, doc, item, isListItem: true, unit);
                }
            }
            else if (map["items"] is { } bad and not YScalar { IsNull: true })
            {
                errors.Add(Error(file, bad, "'items' of a List must be a sequence."));
            }

            return;
        }

        var metadataNode = map["metadata"];
        var metadata = metadataNode as YMap;
        if (metadataNode is not null and not YMap and not YScalar { IsNull: true })
        {
            errors.Add(Error(file, metadataNode, $"'metadata' of {kind} must be a mapping; the object is skipped."));
            return;
        }

        var name = (metadata?["name"] as YScalar)?.Value ?? string.Empty;
        var ns = metadata?["namespace"] is YScalar { IsNull: false } nsScalar ? nsScalar.Value : null;
        objects.Add(new KubeObject(file, doc, map, apiVersion, kind, name, ns, metadata, unit));
    }

    private List<string> FindUnread()
    {
        var read = Files.Select(f => f.DisplayName).ToHashSet(StringComparer.Ordinal);
        return [.. Errors.Select(e => e.File).Where(f => !read.Contains(f)).Distinct(StringComparer.Ordinal)];
    }

    private static InputError Error(SourceFile file, YNode node, string message) =>
        new(file.DisplayName, node.Start.Line, node.Start.Column, message);
}
