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

    /// <summary>Reads a plain scalar as a whole number (as Kubernetes would decode it), or null.</summary>
    public long? AsInteger()
    {
        if (Style != ScalarStyle.Plain || (Tag is { } tag && tag != "tag:yaml.org,2002:int" && tag != "!!int"))
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
            var i = Table.FindEntry(Index, key);
            return i < 0 ? null : Table.Node(Table.Child(Index, i + 1));
        }
    }

    /// <summary>The number of entries.</summary>
    public int Count => Table.ChildCount(Index) / 2;

    /// <summary>The key node and value of a scalar key, or null when absent.</summary>
    public KeyValuePair<YNode, YNode>? Find(string key)
    {
        // Manifests have few keys per mapping: a linear scan of the stored rows beats a dictionary per node, and
        // makes node objects for the one entry found only (this runs for every field the model reads).
        var i = Table.FindEntry(Index, key);
        return i < 0 ? null : new KeyValuePair<YNode, YNode>(Table.Node(Table.Child(Index, i)), Table.Node(Table.Child(Index, i + 1)));
    }

    /// <summary>
    /// Copies the entries whose key and value are both scalars into <paramref name="into"/> (a later key wins) without
    /// making node objects, and returns how many entries were skipped.
    /// </summary>
    internal int CopyScalarPairs(Dictionary<string, string> into)
    {
        var skipped = 0;
        for (var i = 0; i + 1 < Table.ChildCount(Index); i += 2)
        {
            int key = Table.Child(Index, i), value = Table.Child(Index, i + 1);
            if (Table.IsScalar(key) && Table.IsScalar(value))
            {
                into[Table.Text(key)] = Table.Text(value);
            }
            else
            {
                skipped++;
            }
        }

        return skipped;
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
