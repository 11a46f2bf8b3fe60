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
/// <remarks>
/// Aliases are not copied: an alias refers to the anchored node itself, so a hostile alias graph costs no memory.
/// Nodes are views of rows the reader stored (<see cref="NodeTable"/>); a node asked for twice is the same object.
/// </remarks>
public abstract class YNode
{
    private protected YNode(NodeTable table, int index)
    {
        Table = table;
        Index = index;
    }

    /// <summary>Where the node starts.</summary>
    public SourcePosition Start => Table.Start(Index);

    /// <summary>Where the node ends (exclusive).</summary>
    public SourcePosition End => Table.End(Index);

    /// <summary>An explicit tag (for example "!!str"), or null.</summary>
    public string? Tag => Table.Tag(Index);

    /// <summary>Whether the node was written in flow style ({...} or [...]); false for scalars.</summary>
    public virtual bool IsFlow => false;

    private protected NodeTable Table { get; }

    private protected int Index { get; }
}

/// <summary>A scalar value with the style it was written in.</summary>
public sealed class YScalar : YNode
{
    internal YScalar(NodeTable table, int index)
        : base(table, index)
    {
    }

    /// <summary>The scalar's text after YAML unescaping.</summary>
    public string Value => Table.Text(Index);

    /// <summary>How it was written.</summary>
    public ScalarStyle Style => Table.Style(Index);

    /// <summary>Whether this is YAML null: an empty plain scalar, "~", or "null" (plain, untagged).</summary>
    public bool IsNull => Style == ScalarStyle.Plain && Tag is null
        && (Value.Length == 0 || Value is "~" or "null" or "Null" or "NULL");

    /// <summary>Reads a plain scalar as a whole number the way go-yaml v2 (sigs.k8s.io/yaml, hence kubectl) does, or null.</summary>
    /// <remarks>
    /// Underscores are dropped and the base comes from the prefix as Go's strconv.ParseInt(s, 0, 64) reads it:
    /// "0x1F" is hex, "0o17" and YAML 1.1's "017" are octal ("0644" is 420), "0b101" binary (yaml.v2 resolve.go).
    /// </remarks>
    public long? AsInteger()
    {
        if (Style != ScalarStyle.Plain || (Tag is { } tag && tag != "tag:yaml.org,2002:int" && tag != "!!int"))
        {
            return null;
        }

        return ParseGoInteger(Value);
    }

    /// <summary>Reads a plain scalar as a boolean, YAML 1.1 forms included (yes/no, on/off, y/n), as go-yaml v2 does, or null.</summary>
    public bool? AsBoolean() => Style != ScalarStyle.Plain ? null : Value switch
    {
        "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "y" or "Y" or "on" or "On" or "ON" => true,
        "false" or "False" or "FALSE" or "no" or "No" or "NO" or "n" or "N" or "off" or "Off" or "OFF" => false,
        _ => null,
    };

    internal static long? ParseGoInteger(string text)
    {
        var s = text.Contains('_', StringComparison.Ordinal) ? text.Replace("_", string.Empty, StringComparison.Ordinal) : text;
        if (s.Length == 0)
        {
            return null;
        }

        var negative = s[0] == '-';
        var digits = s[0] is '-' or '+' ? s.AsSpan(1) : s.AsSpan();
        if (digits.Length == 0)
        {
            return null;
        }

        var radix = 10;
        var skip = 0;
        if (digits.Length >= 2 && digits[0] == '0')
        {
            (radix, skip) = digits[1] switch
            {
                'x' or 'X' => (16, 2),
                'o' or 'O' => (8, 2),
                'b' or 'B' => (2, 2),
                _ => (8, 1),
            };
        }

        var body = digits[skip..];
        if (body.Length == 0)
        {
            return null;
        }

        long value = 0;
        foreach (var c in body)
        {
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix)
            {
                return null;
            }

            try
            {
                value = checked((value * radix) + d);
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        return negative ? -value : value;
    }

    /// <inheritdoc/>
    public override string ToString() => Value;
}

/// <summary>A sequence.</summary>
public sealed class YSeq : YNode
{
    private YNode[]? _items;

    internal YSeq(NodeTable table, int index)
        : base(table, index)
    {
    }

    /// <summary>The items in order.</summary>
    public IReadOnlyList<YNode> Items => _items ??= Materialize();

    /// <inheritdoc/>
    public override bool IsFlow => Table.IsFlow(Index);

    private YNode[] Materialize()
    {
        var items = new YNode[Table.ChildCount(Index)];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = Table.Node(Table.Child(Index, i));
        }

        return items;
    }
}

/// <summary>A mapping, keeping its keys in source order.</summary>
public sealed class YMap : YNode
{
    private KeyValuePair<YNode, YNode>[]? _entries;

    internal YMap(NodeTable table, int index)
        : base(table, index)
    {
    }

    /// <summary>Key and value nodes in source order.</summary>
    public IReadOnlyList<KeyValuePair<YNode, YNode>> Entries => _entries ??= Materialize();

    /// <inheritdoc/>
    public override bool IsFlow => Table.IsFlow(Index);

    /// <summary>The value of a scalar key, or null when absent.</summary>
    public YNode? this[string key]
    {
        get
        {
            return Table.TryFind(Index, key, out _, out var value) ? Table.Node(value) : null;
        }
    }

    /// <summary>The number of entries.</summary>
    public int Count => Table.ChildCount(Index) / 2;

    /// <summary>The key node and value of a scalar key, or null when absent.</summary>
    public KeyValuePair<YNode, YNode>? Find(string key)
    {
        // Manifests have few keys per mapping: a linear scan of the stored rows beats a dictionary per node, and
        // makes node objects for the one entry found only (this runs for every field the model reads).
        return Table.TryFind(Index, key, out var keyRow, out var value) ? new KeyValuePair<YNode, YNode>(Table.Node(keyRow), Table.Node(value)) : null;
    }

    /// <summary>
    /// Copies the entries whose key and value are both scalars into <paramref name="into"/> (a later key wins) without
    /// making node objects, and returns how many entries were skipped.
    /// </summary>
    internal int CopyScalarPairs(Dictionary<string, string> into)
    {
        return Table.CopyScalarPairs(Index, into, depth: 0);
    }

    private KeyValuePair<YNode, YNode>[] Materialize()
    {
        var entries = new KeyValuePair<YNode, YNode>[Table.ChildCount(Index) / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new KeyValuePair<YNode, YNode>(Table.Node(Table.Child(Index, 2 * i)), Table.Node(Table.Child(Index, (2 * i) + 1)));
        }

        return entries;
    }
}
