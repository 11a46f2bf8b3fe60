using System.Globalization;

namespace Handoff.Analysis.Yaml;

/// <summary>A position in a source text: 1-based line and column, 0-based character offset.</summary>
public readonly record struct SourcePosition(int Line, int Column, int Offset);

/// <summary>How a scalar was written, which decides how it is typed (a quoted "3" is a string, a plain 3 a number).</summary>
public enum ScalarStyle
{
    /// <summary>Unquoted.</summary>
    Plain,

    /// <summary>'single quoted'.</summary>
    SingleQuoted,

    /// <summary>"double quoted".</summary>
    DoubleQuoted,

    /// <summary>| literal block.</summary>
    Literal,

    /// <summary>&gt; folded block.</summary>
    Folded,
}

/// <summary>A node of a YAML document with its exact span in the source, so findings point at lines and fixes edit spans.</summary>
/// <remarks>Aliases are not copied: an alias refers to the anchored node object itself, so a hostile alias graph costs no memory.</remarks>
public abstract class YNode
{
    private protected YNode(SourcePosition start, SourcePosition end, string? tag)
    {
        Start = start;
        End = end;
        Tag = tag;
    }

    /// <summary>Where the node starts.</summary>
    public SourcePosition Start { get; }

    /// <summary>Where the node ends (exclusive).</summary>
    public SourcePosition End { get; }

    /// <summary>An explicit tag (for example "!!str"), or null.</summary>
    public string? Tag { get; }

    /// <summary>Whether the node was written in flow style ({...} or [...]); false for scalars.</summary>
    public virtual bool IsFlow => false;
}

/// <summary>A scalar value with the style it was written in.</summary>
public sealed class YScalar : YNode
{
    internal YScalar(SourcePosition start, SourcePosition end, string? tag, string value, ScalarStyle style)
        : base(start, end, tag)
    {
        Value = value;
        Style = style;
    }

    /// <summary>The scalar's text after YAML unescaping.</summary>
    public string Value { get; }

    /// <summary>How it was written.</summary>
    public ScalarStyle Style { get; }

    /// <summary>Whether this is YAML null: an empty plain scalar, "~", or "null" (plain, untagged).</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Tag is null
        && (Value.Length == 0 || Value is "~" or "null" or "Null" or "NULL");

    /// <summary>Reads a plain scalar as a whole number (as Kubernetes would decode it), or null.</summary>
    public long? AsInteger()
    {
        if (Style != ScalarStyle.Plain || (Tag is not null && Tag != "tag:yaml.org,2002:int" && Tag != "!!int"))
        {
            return null;
        }

        return long.TryParse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Reads a plain scalar as a boolean, or null.</summary>
    public bool? AsBoolean() => Style != ScalarStyle.Plain ? null : Value switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Value;
}

/// <summary>A sequence.</summary>
public sealed class YSeq : YNode
{
    private readonly bool _flow;

    internal YSeq(SourcePosition start, SourcePosition end, string? tag, List<YNode> items, bool flow)
        : base(start, end, tag)
    {
        Items = items;
        _flow = flow;
    }

    /// <summary>The items in order.</summary>
    public IReadOnlyList<YNode> Items { get; }

    /// <inheritdoc/>
    public override bool IsFlow => _flow;
}

/// <summary>A mapping, keeping its keys in source order.</summary>
public sealed class YMap : YNode
{
    private readonly bool _flow;

    internal YMap(SourcePosition start, SourcePosition end, string? tag, List<KeyValuePair<YNode, YNode>> entries, bool flow)
        : base(start, end, tag)
    {
        Entries = entries;
        _flow = flow;
    }

    /// <summary>Key and value nodes in source order.</summary>
    public IReadOnlyList<KeyValuePair<YNode, YNode>> Entries { get; }

    /// <inheritdoc/>
    public override bool IsFlow => _flow;

    /// <summary>The value of a scalar key, or null when absent.</summary>
    public YNode? this[string key] => Find(key)?.Value;

    /// <summary>The key node and value of a scalar key, or null when absent.</summary>
    public KeyValuePair<YNode, YNode>? Find(string key)
    {
        // Manifests have few keys per mapping; a linear scan beats building a dictionary per node.
        foreach (var entry in Entries)
        {
            if (entry.Key is YScalar scalar && string.Equals(scalar.Value, key, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }
}
