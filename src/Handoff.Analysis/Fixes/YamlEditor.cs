using System.Text;
using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Fixes;

/// <summary>Where a new key goes in a block mapping.</summary>
/// <param name="After">Keys to insert after, in order of preference.</param>
/// <param name="Before">Keys to insert before when none of <paramref name="After"/> is present.</param>
/// <remarks>With neither present the key goes after the mapping's last entry.</remarks>
public sealed record Placement(IReadOnlyList<string> After, IReadOnlyList<string> Before)
{
    /// <summary>After the last entry.</summary>
    public static Placement End { get; } = new([], []);
}

/// <summary>
/// Plans edits on one file's text in the file's own style. Every method either adds edits or returns why no safe
/// edit exists (an alias, a merge key, a value of an unexpected shape); it never changes a character it does not mean to.
/// </summary>
public sealed class YamlEditor
{
    private readonly HashSet<YNode> _shared;

    /// <summary>Creates an editor over <paramref name="text"/>, whose parsed documents are <paramref name="documents"/>.</summary>
    public YamlEditor(string text, YamlStyle style, IEnumerable<YamlDocument>? documents = null)
    {
        Text = text ?? throw new ArgumentNullException(nameof(text));
        Style = style ?? throw new ArgumentNullException(nameof(style));
        _shared = SharedNodes(documents ?? []);
    }

    private const string SharedReason = "the mapping is anchored and reused through a YAML alias, so changing it would change every place that uses it";

    /// <summary>Nodes reachable from an alias: editing them would change every user of the anchor.</summary>
    private static HashSet<YNode> SharedNodes(IEnumerable<YamlDocument> documents)
    {
        var targets = new List<YNode>();
        var seen = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<YNode>(documents.Select(d => d.Root).OfType<YNode>());
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            if (node is YMap map)
            {
                foreach (var (key, value) in map.Entries)
                {
                    if (IsAlias(key, value))
                    {
                        targets.Add(value);
                    }

                    stack.Push(value);
                }
            }
            else if (node is YSeq seq)
            {
                foreach (var item in seq.Items)
                {
                    if (item.Start.Offset < seq.Start.Offset)
                    {
                        targets.Add(item);
                    }

                    stack.Push(item);
                }
            }
        }

        var shared = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<YNode>(targets);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!shared.Add(node))
            {
                continue;
            }

            foreach (var child in node switch { YMap m => m.Entries.Select(e => e.Value), YSeq q => q.Items, _ => [] })
            {
                pending.Push(child);
            }
        }

        return shared;
    }

    /// <summary>The text edited.</summary>
    public string Text { get; }

    /// <summary>Its style.</summary>
    public YamlStyle Style { get; }

    private string NL => Style.Newline;

    /// <summary>Whether <paramref name="value"/> is an alias (the node it refers to was written before its key).</summary>
    public static bool IsAlias(YNode key, YNode value) => value.Start.Offset < key.Start.Offset;

    /// <summary>Sets scalar entries of <paramref name="map"/>: replaces those present, inserts the rest together.</summary>
    /// <returns>null on success, else why it cannot be done safely.</returns>
    public string? SetEntries(YMap map, IReadOnlyList<(string Key, YamlValue Value)> entries, ICollection<TextEdit> edits, Placement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(edits);
        if (_shared.Contains(map))
        {
            return SharedReason;
        }

        if (map.Find("<<") is not null)
        {
            return "the mapping uses a YAML merge key ('<<'), so the value in force may come from elsewhere";
        }

        var planned = new List<TextEdit>();
        var missing = new List<(string Key, YamlValue Value)>();
        foreach (var (key, value) in entries)
        {
            if (map.Find(key) is not { } existing)
            {
                missing.Add((key, value));
                continue;
            }

            if (IsAlias(existing.Key, existing.Value))
            {
                return $"'{key}' comes from a YAML alias; changing it would change every place that uses the anchor";
            }

            switch (existing.Value, value)
            {
                case (YScalar { Tag: null } scalar, YamlScalarValue wanted):
                    if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded)
                    {
                        return $"'{key}' is a block scalar";
                    }

                    planned.Add(new TextEdit(scalar.Start.Offset, scalar.End.Offset, wanted.Render(scalar.Style, Style.IsJson)));
                    break;
                case (YMap child, YamlMapValue wantedMap):
                    var refusal = SetEntries(child, wantedMap.Entries, planned);
                    if (refusal is not null)
                    {
                        return refusal;
                    }

                    break;
                default:
                    return $"'{key}' holds a value of another shape than Handoff would write";
            }
        }

        if (missing.Count > 0)
        {
            planned.Add(Insert(map, missing, placement ?? Placement.End));
        }

        foreach (var edit in planned)
        {
            edits.Add(edit);
        }

        return null;
    }

    /// <summary>Walks <paramref name="path"/> from <paramref name="root"/>, creating what is missing, then sets <paramref name="entries"/> there.</summary>
    /// <returns>null on success, else why it cannot be done safely.</returns>
    public string? Ensure(YMap root, IReadOnlyList<string> path, IReadOnlyList<(string Key, YamlValue Value)> entries, ICollection<TextEdit> edits, Placement? placement = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var current = root;
        for (var i = 0; i < path.Count; i++)
        {
            if (_shared.Contains(current))
            {
                return SharedReason;
            }

            if (current.Find("<<") is not null)
            {
                return "the mapping uses a YAML merge key ('<<'), so the value in force may come from elsewhere";
            }

            if (current.Find(path[i]) is not { } entry)
            {
                YamlValue nested = new YamlMapValue(entries);
                for (var j = path.Count - 1; j > i; j--)
                {
                    nested = YamlValue.Map((path[j], nested));
                }

                edits.Add(Insert(current, [(path[i], nested)], i == 0 ? placement ?? Placement.End : Placement.End));
                return null;
            }

            if (IsAlias(entry.Key, entry.Value))
            {
                return $"'{path[i]}' comes from a YAML alias; changing it would change every place that uses the anchor";
            }

            if (entry.Value is not YMap next)
            {
                return $"'{path[i]}' is not a mapping";
            }

            current = next;
        }

        return SetEntries(current, entries, edits, path.Count == 0 ? placement : null);
    }

    /// <summary>Replaces the entry <paramref name="oldKey"/> of <paramref name="map"/> by <paramref name="newKey"/>: <paramref name="value"/>.</summary>
    public string? ReplaceEntry(YMap map, string oldKey, string newKey, YamlValue value, ICollection<TextEdit> edits)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(edits);
        if (_shared.Contains(map))
        {
            return SharedReason;
        }

        if (map.Find(oldKey) is not { } entry)
        {
            return $"'{oldKey}' is not there";
        }

        if (IsAlias(entry.Key, entry.Value))
        {
            return $"'{oldKey}' comes from a YAML alias";
        }

        var start = entry.Key.Start.Offset;
        var end = ContentEnd(entry.Key, entry.Value);
        string text;
        if (map.IsFlow)
        {
            text = RenderFlowEntry(newKey, value);
        }
        else
        {
            var indent = entry.Key.Start.Column - 1;
            text = RenderBlockEntries(indent, [(newKey, value)])[indent..];
        }

        edits.Add(new TextEdit(start, end, text));
        return null;
    }

    /// <summary>Adds a new document right after <paramref name="document"/>.</summary>
    public TextEdit AppendDocument(YamlDocument document, YamlMapValue value)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(value);
        var position = LineEnd(document.Root is { } root ? NodeEnd(root) ?? root.End.Offset : document.End.Offset);

        // An explicit document end marker ('...') stays with its document.
        var next = NextLineStart(position);
        if (next < Text.Length && Text.AsSpan(next).TrimStart(' ').StartsWith("...", StringComparison.Ordinal))
        {
            position = LineEnd(next);
        }

        var body = RenderBlockEntries(0, value.Entries);
        return new TextEdit(position, position, NL + "---" + NL + body, Order: 1);
    }

    private TextEdit Insert(YMap map, List<(string Key, YamlValue Value)> entries, Placement placement)
    {
        if (map.IsFlow)
        {
            return InsertFlow(map, entries);
        }

        var indent = map.Entries[0].Key.Start.Column - 1;
        foreach (var after in placement.After)
        {
            if (map.Find(after) is { } anchor)
            {
                return InsertAfter(anchor, indent, entries);
            }
        }

        foreach (var before in placement.Before)
        {
            if (map.Find(before) is { } anchor && BeforePosition(anchor.Key) is { } position)
            {
                return new TextEdit(position, position, RenderBlockEntries(indent, entries) + NL);
            }
        }

        return InsertAfter(map.Entries[^1], indent, entries);
    }

    private TextEdit InsertAfter(KeyValuePair<YNode, YNode> entry, int indent, List<(string Key, YamlValue Value)> entries)
    {
        var position = LineEnd(ContentEnd(entry.Key, entry.Value));
        return new TextEdit(position, position, NL + RenderBlockEntries(indent, entries));
    }

    private TextEdit InsertFlow(YMap map, List<(string Key, YamlValue Value)> entries)
    {
        var rendered = string.Join(", ", entries.Select(e => RenderFlowEntry(e.Key, e.Value)));
        if (map.Entries.Count == 0)
        {
            var close = ClosingBracket(map);
            return new TextEdit(close, close, rendered);
        }

        var last = map.Entries[^1];
        var position = ContentEnd(last.Key, last.Value);
        var multiline = LineStart(last.Key.Start.Offset) != LineStart(map.Start.Offset);
        var separator = multiline ? "," + NL + new string(' ', last.Key.Start.Column - 1) : ", ";
        return new TextEdit(position, position, separator + string.Join(separator, entries.Select(e => RenderFlowEntry(e.Key, e.Value))));
    }

    private int? BeforePosition(YNode key)
    {
        var lineStart = LineStart(key.Start.Offset);
        if (!Text.AsSpan(lineStart, key.Start.Offset - lineStart).IsWhiteSpace())
        {
            return null; // The key shares its line with a '- ' or another token.
        }

        // Comment lines right above a key belong to it: insert above them.
        var position = lineStart;
        while (position > 0)
        {
            var previous = LineStart(position - 1);
            var line = Text.AsSpan(previous, position - previous).TrimStart(' ');
            if (line.Length == 0 || line[0] != '#')
            {
                break;
            }

            position = previous;
        }

        return position;
    }

    private string RenderBlockEntries(int indent, IReadOnlyList<(string Key, YamlValue Value)> entries)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(NL);
            }

            var (key, value) = entries[i];
            sb.Append(' ', indent).Append(RenderKey(key)).Append(':');
            switch (value)
            {
                case YamlScalarValue scalar:
                    sb.Append(' ').Append(scalar.Render(Style.IsJson));
                    break;
                case YamlMapValue map:
                    sb.Append(NL).Append(RenderBlockEntries(indent + Style.IndentUnit, map.Entries));
                    break;
                default:
                    throw new InvalidOperationException("Unknown value kind.");
            }
        }

        return sb.ToString();
    }

    private string RenderFlowEntry(string key, YamlValue value) => RenderKey(key) + ": " + RenderFlow(value);

    private string RenderFlow(YamlValue value) => value switch
    {
        YamlScalarValue scalar => scalar.Render(Style.IsJson),
        YamlMapValue map => "{" + string.Join(", ", map.Entries.Select(e => RenderFlowEntry(e.Key, e.Value))) + "}",
        _ => throw new InvalidOperationException("Unknown value kind."),
    };

    private string RenderKey(string key) => new YamlScalarValue(key, IsString: true).Render(Style.IsJson);

    /// <summary>Where an entry's written content ends (before any trailing comment).</summary>
    internal int ContentEnd(YNode key, YNode value)
    {
        if (IsAlias(key, value))
        {
            var p = ColonEnd(key);
            while (p < Text.Length && Text[p] == ' ')
            {
                p++;
            }

            while (p < Text.Length && !char.IsWhiteSpace(Text[p]) && Text[p] is not ',' and not '}' and not ']')
            {
                p++;
            }

            return p;
        }

        return NodeEnd(value) ?? ColonEnd(key);
    }

    private int? NodeEnd(YNode node)
    {
        switch (node)
        {
            case YScalar { Style: ScalarStyle.Plain, Value.Length: 0 }:
                return null;
            case YScalar { Style: ScalarStyle.Literal or ScalarStyle.Folded } block:
                var end = block.End.Offset;
                while (end > block.Start.Offset && char.IsWhiteSpace(Text[end - 1]))
                {
                    end--;
                }

                return end;
            case YScalar scalar:
                return scalar.End.Offset;
            case { IsFlow: true }:
                return ClosingBracket(node) + 1;
            case YMap { Entries.Count: > 0 } map:
                return ContentEnd(map.Entries[^1].Key, map.Entries[^1].Value);
            case YSeq { Items.Count: > 0 } seq:
                return NodeEnd(seq.Items[^1]) ?? seq.Items[^1].Start.Offset;
            default:
                return node.End.Offset;
        }
    }

    /// <summary>The offset of a flow collection's closing bracket.</summary>
    /// <remarks>The reader ends a flow collection at its closing bracket (YamlDotNet's end event starts there); accept one past it too.</remarks>
    private int ClosingBracket(YNode node)
    {
        var closer = node is YMap ? '}' : ']';
        var end = node.End.Offset;
        return end < Text.Length && Text[end] == closer ? end : end - 1;
    }

    private int ColonEnd(YNode key)
    {
        var colon = Text.IndexOf(':', key.End.Offset);
        return colon < 0 ? key.End.Offset : colon + 1;
    }

    private int LineStart(int offset) => offset <= 0 ? 0 : Text.LastIndexOf('\n', offset - 1) + 1;

    private int LineEnd(int offset)
    {
        var newline = Text.IndexOf('\n', offset);
        if (newline < 0)
        {
            return Text.Length;
        }

        return newline > 0 && Text[newline - 1] == '\r' ? newline - 1 : newline;
    }

    private int NextLineStart(int lineEnd)
    {
        var newline = Text.IndexOf('\n', lineEnd);
        return newline < 0 ? Text.Length : newline + 1;
    }
}
