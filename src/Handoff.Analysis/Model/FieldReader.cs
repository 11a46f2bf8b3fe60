using System.Globalization;
using Handoff.Analysis.Input;
using Handoff.Analysis.Manifests;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Model;

/// <summary>
/// Where a field is, for error messages: a prefix and a key joined only when an error is reported, so reading the
/// thousands of fields that are fine builds no strings.
/// </summary>
internal readonly record struct FieldPath(string Prefix, string? Key = null)
{
    public static implicit operator FieldPath(string path) => new(path);

    public override string ToString() => Key is null ? Prefix : $"{Prefix}.{Key}";
}

/// <summary>Reads typed fields of one object, turning every type mismatch into an <see cref="InputError"/> on that object.</summary>
internal sealed class FieldReader(KubeObject obj, List<InputError> errors)
{
    public KubeObject Object { get; } = obj;

    public bool HasErrors { get; private set; }

    public YMap? Map(YMap? parent, string key, FieldPath path) => Get<YMap>(parent, key, path, "a mapping");

    public YSeq? Seq(YMap? parent, string key, FieldPath path) => Get<YSeq>(parent, key, path, "a list");

    public string? String(YMap? parent, string key, FieldPath path)
    {
        var node = Value(parent, key);
        if (node is null)
        {
            return null;
        }

        if (node is YScalar scalar)
        {
            return scalar.Value;
        }

        Fail(node, $"'{path}' must be a string, not {Describe(node)}");
        return null;
    }

    public int? Int(YMap? parent, string key, FieldPath path)
    {
        var node = Value(parent, key);
        if (node is null)
        {
            return null;
        }

        if (node is YScalar scalar && scalar.AsInteger() is { } n && n is >= int.MinValue and <= int.MaxValue)
        {
            return (int)n;
        }

        Fail(node, $"'{path}' must be an integer, not {Describe(node)}");
        return null;
    }

    public bool? Bool(YMap? parent, string key, FieldPath path)
    {
        var node = Value(parent, key);
        if (node is null)
        {
            return null;
        }

        if (node is YScalar scalar && scalar.AsBoolean() is { } b)
        {
            return b;
        }

        Fail(node, $"'{path}' must be true or false, not {Describe(node)}");
        return null;
    }

    public IntOrString? IntOrString(YMap? parent, string key, FieldPath path)
    {
        var node = Value(parent, key);
        if (node is null)
        {
            return null;
        }

        if (node is YScalar scalar)
        {
            if (scalar.AsInteger() is { } n && n is >= int.MinValue and <= int.MaxValue)
            {
                return new IntOrString((int)n, null, node);
            }

            if (scalar.Value.Length > 0)
            {
                return new IntOrString(null, scalar.Value, node);
            }
        }

        Fail(node, $"'{path}' must be a number or a string, not {Describe(node)}");
        return null;
    }

    public IReadOnlyList<string>? StringList(YMap? parent, string key, FieldPath path)
    {
        var seq = Seq(parent, key, path);
        if (seq is null)
        {
            return null;
        }

        var result = new List<string>(seq.Items.Count);
        for (var i = 0; i < seq.Items.Count; i++)
        {
            if (seq.Items[i] is YScalar s)
            {
                result.Add(s.Value);
            }
            else
            {
                Fail(seq.Items[i], $"'{path}[{i}]' must be a string, not {Describe(seq.Items[i])}");
            }
        }

        return result;
    }

    public IReadOnlyDictionary<string, string> StringMap(YMap? parent, string key, FieldPath path)
    {
        var map = Map(parent, key, path);
        if (map is null)
        {
            return KubeObject.ReadStringMap(null);
        }

        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        if (map.CopyScalarPairs(result) > 0)
        {
            foreach (var (k, v) in map.Entries)
            {
                if (v is not YScalar)
                {
                    Fail(v, $"'{path}.{(k as YScalar)?.Value}' must be a string, not {Describe(v)}");
                }
            }
        }

        return result;
    }

    public void Fail(YNode node, string message)
    {
        HasErrors = true;
        var at = node.Start;
        var error = new InputError(Object.File.DisplayName, at.Line, at.Column, $"{Object.Ref}: {message}.");
        errors.Add(node is YScalar scalar && scalar.Value.Contains("{{", StringComparison.Ordinal) ? HelmHint.Add(error, Object.File.Text) : error);
    }

    private T? Get<T>(YMap? parent, string key, FieldPath path, string expected)
        where T : YNode
    {
        var node = Value(parent, key);
        switch (node)
        {
            case null:
                return null;
            case T typed:
                return typed;
            default:
                Fail(node, $"'{path}' must be {expected}, not {Describe(node)}");
                return null;
        }
    }

    private static YNode? Value(YMap? parent, string key)
    {
        var node = parent?[key];
        return node is YScalar { IsNull: true } ? null : node;
    }

    private static string Describe(YNode node) => node switch
    {
        YScalar s when s.Style != ScalarStyle.Plain => $"the string \"{Truncate(s.Value)}\"",
        YScalar s => $"'{Truncate(s.Value)}'",
        YMap => "a mapping",
        YSeq => "a list",
        _ => "this value",
    };

    private static string Truncate(string value) =>
        value.Length <= 40 ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..37]}...");
}
