using Handoff.Analysis.Input;
using Handoff.Analysis.Kubernetes;
using Handoff.Analysis.Timing;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Configuration;

/// <summary>
/// Reads a .handoff.yaml with the project's own YAML reader: every unknown key, wrong type and bad duration is an
/// error with file:line:column, all of them collected; nothing is guessed.
/// </summary>
public static class ConfigReader
{
    /// <summary>The name Handoff looks for in the checked path's folder and its parents.</summary>
    public const string FileName = ".handoff.yaml";

    /// <summary>The top-level keys, in the order docs/config.md and the schema list them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["profile", "kubernetesVersion", "propagation", "drain", "buffer", "ignore", "exclude", "profiles"];

    /// <summary>The keys of a 'propagation' mapping.</summary>
    public static IReadOnlyList<string> PropagationKeys { get; } = ["default", "namespaces", "workloads"];

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static (HandoffConfig? Config, IReadOnlyList<InputError> Errors) Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [new InputError(path, null, null, $"The configuration file cannot be read: {ex.Message}")]);
        }

        return Read(new SourceFile(path, text, SourceKind.Manifest));
    }

    /// <summary>Reads a configuration file's text.</summary>
    public static (HandoffConfig? Config, IReadOnlyList<InputError> Errors) Read(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var (documents, error) = YamlReader.Read(file);
        if (error is not null)
        {
            return (null, [error]);
        }

        var reader = new Reader(file);
        var config = reader.Root(documents);
        return (reader.Errors.Count == 0 ? config : null, reader.Errors);
    }

    private sealed class Reader(SourceFile file)
    {
        public List<InputError> Errors { get; } = [];

        public HandoffConfig Root(IReadOnlyList<YamlDocument> documents)
        {
            var config = new HandoffConfig { File = file.DisplayName };
            var nonEmpty = documents.Where(d => d.Root is not null).ToList();
            if (nonEmpty.Count == 0)
            {
                return config; // An empty file sets nothing.
            }

            if (nonEmpty.Count > 1 || nonEmpty[0].Root is not YMap root)
            {
                Fail(nonEmpty[Math.Min(1, nonEmpty.Count - 1)].Root!, $"{FileName} is one mapping of settings (keys: {string.Join(", ", Keys)}).");
                return config;
            }

            var ignore = new List<Setting<string>>();
            var exclude = new List<Setting<string>>();
            var rules = new List<PropagationRule>();
            foreach (var (keyNode, value) in root.Entries)
            {
                var key = (keyNode as YScalar)?.Value ?? string.Empty;
                switch (key)
                {
                    case "profile":
                        config = config with { Profile = String(value, key) is { } p ? new Setting<string>(p, Origin(value)) : null };
                        break;
                    case "kubernetesVersion":
                        config = config with { Version = Version(value) };
                        break;
                    case "propagation":
                        config = config with { Propagation = Propagation(value, rules) };
                        break;
                    case "drain":
                        config = config with { Drain = Seconds(value, key) is { } d ? new Setting<double>(d, Origin(value)) : null };
                        break;
                    case "buffer":
                        config = config with { Buffer = Seconds(value, key) is { } b ? new Setting<double>(b, Origin(value)) : null };
                        break;
                    case "ignore":
                        ignore.AddRange(Strings(value, key, splitCommas: true));
                        break;
                    case "exclude":
                        exclude.AddRange(Strings(value, key, splitCommas: false));
                        break;
                    case "profiles":
                        if (value is YSeq entries)
                        {
                            config = config with { Profiles = ProfileCatalogReader.ReadEntries(entries, file, Errors).Select(p => p with { Origin = Origin(entries).Text }).ToList() };
                        }
                        else
                        {
                            Fail(value, "'profiles' must be a list of profile entries (id, title, summary, planes, preStopFloor, sources).");
                        }

                        break;
                    default:
                        Fail(keyNode, $"Unknown key '{key}'{Suggest(key, Keys)}; {FileName} knows: {string.Join(", ", Keys)}.");
                        break;
                }
            }

            return config with { Ignore = ignore, Exclude = exclude, PropagationRules = rules };
        }

        private Setting<Latency>? Propagation(YNode value, List<PropagationRule> rules)
        {
            if (value is YScalar)
            {
                return Latency(value, "propagation") is { } latency ? new Setting<Latency>(latency, Origin(value)) : null;
            }

            if (value is not YMap map)
            {
                Fail(value, "'propagation' must be a duration ('25s', '5s..25s') or a mapping with default, namespaces and workloads.");
                return null;
            }

            Setting<Latency>? global = null;
            var byNamespace = new List<PropagationRule>();
            foreach (var (keyNode, item) in map.Entries)
            {
                var key = (keyNode as YScalar)?.Value ?? string.Empty;
                switch (key)
                {
                    case "default":
                        global = Latency(item, "propagation.default") is { } all ? new Setting<Latency>(all, Origin(item)) : null;
                        break;
                    case "namespaces" or "workloads":
                        if (item is not YMap globs)
                        {
                            Fail(item, $"'propagation.{key}' must map {(key == "namespaces" ? "namespace" : "workload name")} globs to durations, for example 'api-*: 25s'.");
                            break;
                        }

                        foreach (var (globNode, duration) in globs.Entries)
                        {
                            var glob = (globNode as YScalar)?.Value ?? string.Empty;
                            if (Latency(duration, $"propagation.{key}.{glob}") is { } one)
                            {
                                var rule = key == "namespaces"
                                    ? new PropagationRule(glob, null, one, Origin(duration))
                                    : new PropagationRule(null, glob, one, Origin(duration));
                                (key == "namespaces" ? byNamespace : rules).Add(rule);
                            }
                        }

                        break;
                    default:
                        Fail(keyNode, $"Unknown key 'propagation.{key}'{Suggest(key, PropagationKeys)}; 'propagation' knows: {string.Join(", ", PropagationKeys)}.");
                        break;
                }
            }

            rules.AddRange(byNamespace);
            return global;
        }

        private Setting<KubernetesVersion>? Version(YNode value)
        {
            var text = String(value, "kubernetesVersion");
            if (text is null)
            {
                return null;
            }

            if (KubernetesVersion.TryParse(text, out var version))
            {
                return new Setting<KubernetesVersion>(version, Origin(value));
            }

            Fail(value, $"'kubernetesVersion' must be a version like \"1.32\"; got '{text}' (quote it: 1.30 unquoted is the number 1.3).");
            return null;
        }

        private Latency? Latency(YNode value, string key)
        {
            var text = String(value, key);
            if (text is null)
            {
                return null;
            }

            if (Timing.Latency.TryParse(text, out var latency))
            {
                return latency;
            }

            Fail(value, $"'{key}' must be a duration such as '25s', '1m30s' or a range '5s..25s'; got '{text}'.");
            return null;
        }

        private double? Seconds(YNode value, string key)
        {
            var text = String(value, key);
            if (text is null)
            {
                return null;
            }

            if (Durations.ParseSeconds(text) is { } seconds)
            {
                return seconds;
            }

            Fail(value, $"'{key}' must be a duration such as '30s' or '1m'; got '{text}'.");
            return null;
        }

        private string? String(YNode value, string key)
        {
            if (value is YScalar { IsNull: false } scalar)
            {
                return scalar.Value;
            }

            Fail(value, $"'{key}' must be a single value, not {Describe(value)}.");
            return null;
        }

        private IEnumerable<Setting<string>> Strings(YNode value, string key, bool splitCommas)
        {
            var items = value switch
            {
                YSeq seq => seq.Items,
                YScalar { IsNull: false } => [value],
                _ => [],
            };
            if (items.Count == 0 && value is not YSeq)
            {
                Fail(value, $"'{key}' must be a list of strings.");
            }

            foreach (var item in items)
            {
                if (item is not YScalar { IsNull: false } scalar)
                {
                    Fail(item, $"Each entry of '{key}' must be a string, not {Describe(item)}.");
                    continue;
                }

                var parts = splitCommas ? scalar.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [scalar.Value];
                foreach (var part in parts)
                {
                    yield return new Setting<string>(part, Origin(item));
                }
            }
        }

        private static string Describe(YNode node) => node switch
        {
            YMap => "a mapping",
            YSeq => "a list",
            _ => "an empty value",
        };

        private ValueOrigin Origin(YNode node) => ValueOrigin.FromConfigFile(file.DisplayName, node.Start.Line, node.Start.Column);

        private void Fail(YNode node, string message) => Errors.Add(new InputError(file.DisplayName, node.Start.Line, node.Start.Column, message));

        private static string Suggest(string key, IReadOnlyList<string> known)
        {
            var close = known.Select(k => (Key: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant()))).OrderBy(x => x.Distance).First();
            return close.Distance <= 2 ? $" (did you mean '{close.Key}'?)" : string.Empty;
        }

        private static int Distance(string a, string b)
        {
            var row = Enumerable.Range(0, b.Length + 1).ToArray();
            for (var i = 1; i <= a.Length; i++)
            {
                var previous = row[0];
                row[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var current = row[j];
                    row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                    previous = current;
                }
            }

            return row[b.Length];
        }
    }
}
