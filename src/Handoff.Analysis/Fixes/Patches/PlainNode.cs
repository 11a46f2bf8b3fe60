using System.Globalization;
using System.Text;
using System.Text.Json;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Fixes.Patches;

/// <summary>A YAML value without positions, for comparing objects and writing patches.</summary>
public abstract record PlainNode
{
    /// <summary>Copies a YAML node (aliases followed).</summary>
    public static PlainNode From(YNode node) => node switch
    {
        YMap map => new PlainMap(map.Entries.Select(e => (e.Key is YScalar k ? k.Value : e.Key.ToString() ?? string.Empty, From(e.Value))).ToList()),
        YSeq seq => new PlainSeq(seq.Items.Select(From).ToList()),
        YScalar s => new PlainScalar(s.Value, s.Style != ScalarStyle.Plain || s.Tag is "tag:yaml.org,2002:str" or "!!str", s.IsNull),
        _ => throw new ArgumentException("Unknown node.", nameof(node)),
    };

    /// <summary>Structural equality: mappings compare without regard to key order, scalars by value and stringness.</summary>
    public static bool Same(PlainNode? a, PlainNode? b) => (a, b) switch
    {
        (null, null) => true,
        (PlainScalar x, PlainScalar y) => x.IsNull == y.IsNull && (x.IsNull || (x.Value == y.Value && x.IsString == y.IsString)),
        (PlainSeq x, PlainSeq y) => x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => Same(p.First, p.Second)),
        (PlainMap x, PlainMap y) => x.Entries.Count == y.Entries.Count && x.Entries.All(e => y.Find(e.Key) is { } other && Same(e.Value, other)),
        _ => false,
    };

    /// <summary>Writes the value as block YAML at <paramref name="indent"/> (entries of a mapping, one per line).</summary>
    public static void WriteYaml(StringBuilder sb, PlainMap map, int indent)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(map);
        foreach (var (key, value) in map.Entries)
        {
            sb.Append(' ', indent).Append(new YamlScalarValue(key, IsString: true).Render()).Append(':');
            WriteValue(sb, value, indent);
        }
    }

    private static void WriteValue(StringBuilder sb, PlainNode value, int indent)
    {
        switch (value)
        {
            case PlainScalar s:
                sb.Append(' ').Append(s.ToYaml()).Append('\n');
                break;
            case PlainMap { Entries.Count: 0 }:
                sb.Append(" {}\n");
                break;
            case PlainMap m:
                sb.Append('\n');
                WriteYaml(sb, m, indent + 2);
                break;
            case PlainSeq { Items.Count: 0 }:
                sb.Append(" []\n");
                break;
            case PlainSeq q:
                sb.Append('\n');
                foreach (var item in q.Items)
                {
                    if (item is PlainMap { Entries.Count: > 0 } itemMap)
                    {
                        var inner = new StringBuilder();
                        WriteYaml(inner, itemMap, indent + 2);
                        sb.Append(' ', indent).Append("- ").Append(inner.ToString(indent + 2, inner.Length - indent - 2));
                    }
                    else
                    {
                        sb.Append(' ', indent).Append('-');
                        WriteValue(sb, item, indent + 2);
                    }
                }

                break;
            default:
                throw new InvalidOperationException("Unknown node.");
        }
    }

    /// <summary>Writes the value as JSON with the types Kubernetes would decode (plain numbers and booleans stay so).</summary>
    public static void WriteJson(Utf8JsonWriter writer, PlainNode? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null or PlainScalar { IsNull: true }:
                writer.WriteNullValue();
                break;
            case PlainScalar { IsString: false } s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n):
                writer.WriteNumberValue(n);
                break;
            case PlainScalar { IsString: false, Value: "true" or "false" } s:
                writer.WriteBooleanValue(s.Value == "true");
                break;
            case PlainScalar s:
                writer.WriteStringValue(s.Value);
                break;
            case PlainMap m:
                writer.WriteStartObject();
                foreach (var (key, v) in m.Entries)
                {
                    writer.WritePropertyName(key);
                    WriteJson(writer, v);
                }

                writer.WriteEndObject();
                break;
            case PlainSeq q:
                writer.WriteStartArray();
                foreach (var item in q.Items)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException("Unknown node.");
        }
    }
}

/// <summary>A scalar.</summary>
/// <param name="Value">Its text.</param>
/// <param name="IsString">Whether it was quoted (a string whatever it looks like).</param>
/// <param name="IsNull">Whether it is YAML null.</param>
public sealed record PlainScalar(string Value, bool IsString, bool IsNull = false) : PlainNode
{
    /// <summary>The null scalar.</summary>
    public static PlainScalar Null { get; } = new("null", IsString: false, IsNull: true);

    /// <summary>The scalar as YAML: plain when written plain, else quoted when needed.</summary>
    public string ToYaml() => IsNull ? "null" : IsString ? new YamlScalarValue(Value, IsString: true).Render() : Value;
}

/// <summary>A sequence.</summary>
public sealed record PlainSeq(IReadOnlyList<PlainNode> Items) : PlainNode;

/// <summary>A mapping with keys in order.</summary>
public sealed record PlainMap(IReadOnlyList<(string Key, PlainNode Value)> Entries) : PlainNode
{
    /// <summary>The value of a key, or null.</summary>
    public PlainNode? Find(string key) => Entries.FirstOrDefault(e => e.Key == key).Value;
}
