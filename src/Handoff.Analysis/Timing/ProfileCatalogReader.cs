using System.Globalization;
using Handoff.Analysis.Input;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Timing;

/// <summary>
/// Reads profile entries from YAML (the embedded built-in catalogue, and later the custom profiles of a
/// <c>.handoff.yaml</c>), with the project's own reader so that every error has a line and column and nothing
/// depends on reflection (Native AOT).
/// </summary>
/// <remarks>
/// An entry is a mapping: <c>id</c>, <c>title</c>, <c>summary</c>, <c>planes</c> (each <c>name</c>, <c>kind</c> one of
/// kube-proxy, ingress-controller, cloud-l7, cloud-l4, dns, <c>latency</c> "10" or "5..10" seconds, <c>source</c>),
/// optional <c>preStopFloor</c> (seconds), <c>relations</c> (each with <c>kind</c> and its parameters) and
/// <c>sources</c>. Every problem is collected; an entry with an error is left out.
/// </remarks>
public static class ProfileCatalogReader
{
    /// <summary>The plane kinds as written in catalogue files.</summary>
    public static IReadOnlyDictionary<string, PlaneKind> PlaneKinds { get; } = new Dictionary<string, PlaneKind>(StringComparer.Ordinal)
    {
        ["kube-proxy"] = PlaneKind.KubeProxy,
        ["ingress-controller"] = PlaneKind.IngressController,
        ["cloud-l7"] = PlaneKind.CloudL7,
        ["cloud-l4"] = PlaneKind.CloudL4,
        ["dns"] = PlaneKind.Dns,
    };

    /// <summary>The catalogue name of a plane kind.</summary>
    public static string KindName(PlaneKind kind) => PlaneKinds.First(p => p.Value == kind).Key;

    /// <summary>Reads a file whose root mapping has a <c>profiles</c> sequence.</summary>
    public static (IReadOnlyList<Profile> Profiles, IReadOnlyList<InputError> Errors) Read(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var (documents, error) = YamlReader.Read(file);
        if (error is not null)
        {
            return ([], [error]);
        }

        var errors = new List<InputError>();
        if (documents.Count != 1 || documents[0].Root is not YMap root || root["profiles"] is not YSeq entries)
        {
            errors.Add(new InputError(file.DisplayName, 1, 1, "A profile catalogue is one YAML document with a 'profiles' sequence."));
            return ([], errors);
        }

        return (ReadEntries(entries, file, errors), errors);
    }

    /// <summary>Reads a sequence of profile entries (a catalogue's <c>profiles</c>, a configuration file's custom profiles).</summary>
    public static IReadOnlyList<Profile> ReadEntries(YSeq entries, SourceFile file, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(errors);
        var result = new List<Profile>();
        foreach (var item in entries.Items)
        {
            if (ReadEntry(item, file, errors) is { } profile)
            {
                if (result.Exists(p => string.Equals(p.Id, profile.Id, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(Error(file, item, $"Profile '{profile.Id}' is defined twice."));
                    continue;
                }

                result.Add(profile);
            }
        }

        return result;
    }

    /// <summary>Reads one entry; null (with errors added) when it is not valid.</summary>
    public static Profile? ReadEntry(YNode node, SourceFile file, ICollection<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.Count;
        if (node is not YMap map)
        {
            errors.Add(Error(file, node, "A profile must be a mapping with 'id', 'title', 'summary', 'planes' and 'sources'."));
            return null;
        }

        var id = RequiredString(map, "id", file, errors);
        var title = RequiredString(map, "title", file, errors);
        var summary = RequiredString(map, "summary", file, errors);
        var planes = new List<DataPlane>();
        if (map["planes"] is YSeq planeSeq && planeSeq.Items.Count > 0)
        {
            foreach (var planeNode in planeSeq.Items)
            {
                if (ReadPlane(planeNode, file, errors) is { } plane)
                {
                    planes.Add(plane);
                }
            }
        }
        else
        {
            errors.Add(Error(file, map["planes"] ?? map, $"Profile '{id}' needs 'planes': a sequence of at least one plane."));
        }

        var sources = new List<string>();
        if (map["sources"] is YSeq sourceSeq)
        {
            foreach (var source in sourceSeq.Items)
            {
                if (source is YScalar { IsNull: false } s && s.Value.Length > 0)
                {
                    sources.Add(s.Value);
                }
                else
                {
                    errors.Add(Error(file, source, "A source must be a non-empty string."));
                }
            }
        }

        double? floor = null;
        if (map["preStopFloor"] is { } floorNode)
        {
            floor = Seconds(floorNode, "preStopFloor", file, errors);
        }

        var relations = new List<ProfileRelation>();
        if (map["relations"] is YSeq relationSeq)
        {
            foreach (var relationNode in relationSeq.Items)
            {
                if (ReadRelation(relationNode, planes, file, errors) is { } relation)
                {
                    relations.Add(relation);
                }
            }
        }
        else if (map["relations"] is { } notSeq)
        {
            errors.Add(Error(file, notSeq, "'relations' must be a sequence."));
        }

        if (errors.Count > before || id is null || title is null || summary is null)
        {
            return null;
        }

        var origin = file.Path.StartsWith("embedded:", StringComparison.Ordinal) ? "built-in" : $"{file.DisplayName}:{map.Start.Line}";
        return new Profile(id, title, planes, summary, sources) { PreStopFloor = floor, Relations = relations, Origin = origin };
    }

    private static DataPlane? ReadPlane(YNode node, SourceFile file, ICollection<InputError> errors)
    {
        if (node is not YMap map)
        {
            errors.Add(Error(file, node, "A plane must be a mapping with 'name', 'kind', 'latency' and 'source'."));
            return null;
        }

        var name = RequiredString(map, "name", file, errors);
        var kindText = RequiredString(map, "kind", file, errors);
        var source = RequiredString(map, "source", file, errors);
        PlaneKind kind = default;
        if (kindText is not null && !PlaneKinds.TryGetValue(kindText, out kind))
        {
            errors.Add(Error(file, map["kind"]!, $"Plane kind '{kindText}' is not one of {string.Join(", ", PlaneKinds.Keys)}."));
            return null;
        }

        Latency latency = default;
        var latencyText = (map["latency"] as YScalar)?.Value;
        if (latencyText is null)
        {
            errors.Add(Error(file, map, $"Plane '{name}' needs a 'latency' in seconds (\"10\" or \"5..10\")."));
            return null;
        }

        if (!Latency.TryParse(latencyText, out latency))
        {
            errors.Add(Error(file, map["latency"]!, $"Latency '{latencyText}' is not seconds (\"10\", \"10s\") or a range (\"5..10\") with min <= max."));
            return null;
        }

        return name is null || kindText is null || source is null ? null : new DataPlane(name, kind, latency, source);
    }

    private static ProfileRelation? ReadRelation(YNode node, List<DataPlane> planes, SourceFile file, ICollection<InputError> errors)
    {
        if (node is not YMap map)
        {
            errors.Add(Error(file, node, "A relation must be a mapping with a 'kind'."));
            return null;
        }

        var kind = RequiredString(map, "kind", file, errors);
        var source = RequiredString(map, "source", file, errors);
        if (kind is null || source is null)
        {
            return null;
        }

        string? Plane()
        {
            var plane = RequiredString(map, "plane", file, errors);
            if (plane is not null && !planes.Exists(p => p.Name == plane))
            {
                errors.Add(Error(file, map["plane"]!, $"Relation '{kind}' names plane '{plane}', which the profile does not list."));
                return null;
            }

            return plane;
        }

        double? Number(string key) => map[key] is { } n ? Seconds(n, key, file, errors) : Missing(key);
        double? Missing(string key)
        {
            errors.Add(Error(file, map, $"Relation '{kind}' needs '{key}'."));
            return null;
        }

        switch (kind)
        {
            case NegDrainingFormula.Name:
                return Number("detachSeconds") is { } detach && Plane() is { } negPlane ? new NegDrainingFormula(detach, negPlane, source) : null;
            case GraceBelowIdleTimeout.Name:
                return Number("defaultIdleTimeoutSeconds") is { } idle ? new GraceBelowIdleTimeout(idle, source) : null;
            case DeregistrationDelayCoversDrain.Name:
                return Number("defaultDelaySeconds") is { } delay ? new DeregistrationDelayCoversDrain(delay, source) : null;
            case HealthCheckDeregistration.Name:
                var interval = Number("intervalSeconds");
                var threshold = Number("unhealthyThreshold");
                var hcPlane = Plane();
                if (threshold is { } t && (t < 1 || t != Math.Floor(t)))
                {
                    errors.Add(Error(file, map["unhealthyThreshold"]!, "'unhealthyThreshold' must be a whole number of at least 1."));
                    return null;
                }

                return interval is { } i && threshold is { } th && hcPlane is not null ? new HealthCheckDeregistration(i, (int)th, hcPlane, source) : null;
            default:
                errors.Add(Error(file, map["kind"]!,
                    $"Relation kind '{kind}' is not one of {NegDrainingFormula.Name}, {GraceBelowIdleTimeout.Name}, {DeregistrationDelayCoversDrain.Name}, {HealthCheckDeregistration.Name}."));
                return null;
        }
    }

    private static string? RequiredString(YMap map, string key, SourceFile file, ICollection<InputError> errors)
    {
        if (map[key] is YScalar { IsNull: false } s && s.Value.Length > 0)
        {
            return s.Value;
        }

        errors.Add(Error(file, map[key] ?? map, $"'{key}' is required and must be a non-empty string."));
        return null;
    }

    private static double? Seconds(YNode node, string key, SourceFile file, ICollection<InputError> errors)
    {
        var text = (node as YScalar)?.Value;
        if (text is not null && double.TryParse(text.EndsWith('s') ? text[..^1] : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            return value;
        }

        errors.Add(Error(file, node, $"'{key}' must be a number of seconds, 0 or more."));
        return null;
    }

    private static InputError Error(SourceFile file, YNode node, string message) =>
        new(file.DisplayName, node.Start.Line, node.Start.Column, message);
}
