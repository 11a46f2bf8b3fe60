namespace Handoff.Analysis.Yaml;

/// <summary>
/// The nodes of one YAML stream stored as rows of plain values, with the <see cref="YNode"/> objects made only when asked for.
/// </summary>
/// <remarks>
/// Everything a reader keeps outlives the read, and a .NET garbage collection costs what survives it, not what was
/// allocated: a tree of one object per node (and a list per mapping) made every collection during a 10,000-object read
/// copy tens of megabytes (docs/performance.md). Rows in a few large arrays hold no references the collector has to
/// follow, and the model reads only some of the nodes, so most never become objects. A materialised node is cached,
/// so asking twice gives the same object (fixers compare nodes by reference).
/// </remarks>
internal sealed class NodeTable
{
    private const int MaxSharedLength = 64;

    private Row[] _rows;
    private int _rowCount;
    private int[] _children;
    private int _childCount;
    private YNode?[] _nodes;
    private readonly List<string> _strings = [];
    private readonly Dictionary<string, int> _shared = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _tags = [];

    /// <summary>Makes a table sized for a text of <paramref name="textLength"/> characters.</summary>
    /// <remarks>
    /// Manifests hold one node per 9 to 15 characters (measured on the samples, the rule fixtures and the benchmark
    /// corpus); sizing for one per 8 means the arrays are allocated once instead of doubling their way up, which
    /// matters because arrays this large are only reclaimed by full collections.
    /// </remarks>
    public NodeTable(int textLength)
    {
        var capacity = Math.Max(16, textLength / 8);
        _rows = new Row[capacity];
        _children = new int[capacity];
        _nodes = new YNode?[capacity];
    }

    internal enum NodeType : byte
    {
        Scalar,
        Sequence,
        Mapping,
    }

    /// <summary>One node: 36 bytes, no references. Tags are rare and kept aside.</summary>
    private struct Row
    {
        public SourcePosition Start;
        public SourcePosition End;

        /// <summary>A scalar's text (index into the strings), or a collection's first child (index into the children).</summary>
        public int Text;
        public int ChildCount;
        public NodeType Type;
        public ScalarStyle Style;
        public bool Flow;
    }

    /// <summary>Adds a scalar row and returns its index.</summary>
    public int AddScalar(SourcePosition start, SourcePosition end, string? tag, string value, ScalarStyle style) =>
        Add(new Row { Start = start, End = end, Text = Intern(value), Type = NodeType.Scalar, Style = style }, tag);

    /// <summary>Adds a sequence (children are items) or mapping (children alternate key, value) row.</summary>
    public int AddCollection(NodeType type, SourcePosition start, SourcePosition end, string? tag, bool flow, List<int> children)
    {
        if (_childCount + children.Count > _children.Length)
        {
            Array.Resize(ref _children, Math.Max(_children.Length * 2, _childCount + children.Count));
        }

        children.CopyTo(_children, _childCount);
        var row = new Row
        {
            Start = start,
            End = end,
            Text = _childCount,
            ChildCount = children.Count,
            Type = type,
            Flow = flow,
        };
        _childCount += children.Count;
        return Add(row, tag);
    }

    /// <summary>The node object of a row, made on first use and the same object afterwards.</summary>
    public YNode Node(int index)
    {
        var node = Volatile.Read(ref _nodes[index]);
        if (node is not null)
        {
            return node;
        }

        node = _rows[index].Type switch
        {
            NodeType.Scalar => new YScalar(this, index),
            NodeType.Sequence => new YSeq(this, index),
            _ => new YMap(this, index),
        };
        return Interlocked.CompareExchange(ref _nodes[index], node, null) ?? node;
    }

    public SourcePosition Start(int index) => _rows[index].Start;

    public SourcePosition End(int index) => _rows[index].End;

    public string? Tag(int index) => _tags.Count == 0 ? null : _tags.GetValueOrDefault(index);

    public string Text(int index) => _strings[_rows[index].Text];

    public ScalarStyle Style(int index) => _rows[index].Style;

    public bool IsScalar(int index) => _rows[index].Type == NodeType.Scalar;

    public bool IsFlow(int index) => _rows[index].Flow;

    public int ChildCount(int index) => _rows[index].ChildCount;

    public int Child(int index, int i) => _children[_rows[index].Text + i];

    /// <summary>The child position of the key of the first entry whose key is the scalar <paramref name="key"/> (its value follows it), or -1.</summary>
    public int FindEntry(int mapIndex, string key)
    {
        ref readonly var map = ref _rows[mapIndex];
        for (var i = 0; i + 1 < map.ChildCount; i += 2)
        {
            var keyRow = _children[map.Text + i];
            ref readonly var k = ref _rows[keyRow];
            if (k.Type == NodeType.Scalar && string.Equals(_strings[k.Text], key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Finds the entry of a scalar key, looking into merged mappings ('&lt;&lt;: *defaults', or a list of them, the first
    /// one holding the key winning) when the mapping does not write the key itself, as go-yaml v2 merges them.
    /// </summary>
    public bool TryFind(int mapIndex, string key, out int keyRow, out int valueRow) => TryFind(mapIndex, key, 0, out keyRow, out valueRow);

    /// <summary>Copies scalar pairs, merged ones first so that the mapping's own keys win; returns how many entries were skipped.</summary>
    public int CopyScalarPairs(int mapIndex, Dictionary<string, string> into, int depth)
    {
        var skipped = 0;
        var count = _rows[mapIndex].ChildCount;
        for (var i = 0; i + 1 < count; i += 2)
        {
            int key = Child(mapIndex, i), value = Child(mapIndex, i + 1);
            if (depth < MaxMergeDepth && IsMergeKey(key))
            {
                foreach (var merged in MergedMaps(value))
                {
                    CopyScalarPairs(merged, into, depth + 1);
                }

                continue;
            }

            if (IsScalar(key) && IsScalar(value))
            {
                into[Text(key)] = Text(value);
            }
            else
            {
                skipped++;
            }
        }

        return skipped;
    }

    private const int MaxMergeDepth = 16;

    private bool TryFind(int mapIndex, string key, int depth, out int keyRow, out int valueRow)
    {
        var i = FindEntry(mapIndex, key);
        if (i >= 0)
        {
            keyRow = Child(mapIndex, i);
            valueRow = Child(mapIndex, i + 1);
            return true;
        }

        if (depth < MaxMergeDepth && key != "<<")
        {
            var merge = FindEntry(mapIndex, "<<");
            if (merge >= 0 && IsMergeKey(Child(mapIndex, merge)))
            {
                foreach (var merged in MergedMaps(Child(mapIndex, merge + 1)))
                {
                    if (TryFind(merged, key, depth + 1, out keyRow, out valueRow))
                    {
                        return true;
                    }
                }
            }
        }

        keyRow = valueRow = -1;
        return false;
    }

    private bool IsMergeKey(int keyRow) => _rows[keyRow].Type == NodeType.Scalar && _rows[keyRow].Style == ScalarStyle.Plain && Text(keyRow) == "<<";

    private IEnumerable<int> MergedMaps(int valueRow)
    {
        if (_rows[valueRow].Type == NodeType.Mapping)
        {
            yield return valueRow;
        }
        else if (_rows[valueRow].Type == NodeType.Sequence)
        {
            for (var i = 0; i < _rows[valueRow].ChildCount; i++)
            {
                var item = Child(valueRow, i);
                if (_rows[item].Type == NodeType.Mapping)
                {
                    yield return item;
                }
            }
        }
    }

    private int Add(Row row, string? tag)
    {
        if (_rowCount == _rows.Length)
        {
            Array.Resize(ref _rows, _rows.Length * 2);
            Array.Resize(ref _nodes, _rows.Length);
        }

        if (tag is not null)
        {
            _tags[_rowCount] = tag;
        }

        _rows[_rowCount] = row;
        return _rowCount++;
    }

    /// <summary>
    /// Stores a text once per distinct short value: keys and names repeat throughout manifests ("name", "app", a
    /// service's name in eight places), and every string kept is one more object for the collector to copy.
    /// </summary>
    private int Intern(string value)
    {
        if (value.Length <= MaxSharedLength)
        {
            if (_shared.TryGetValue(value, out var shared))
            {
                return shared;
            }

            _shared[value] = _strings.Count;
        }

        _strings.Add(value);
        return _strings.Count - 1;
    }
}
