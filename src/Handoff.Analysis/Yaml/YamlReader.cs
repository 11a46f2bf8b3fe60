using System.Text.RegularExpressions;
using Handoff.Analysis.Input;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using CoreScalarStyle = YamlDotNet.Core.ScalarStyle;

namespace Handoff.Analysis.Yaml;

/// <summary>Reads a YAML stream into <see cref="YamlDocument"/>s with positions, without recursion and within limits.</summary>
/// <remarks>
/// Built on YamlDotNet's event parser rather than its representation model so that nesting depth and alias
/// expansion are checked while reading (a "billion laughs" stream or 10,000 nested brackets become an
/// <see cref="InputError"/>, not a stack overflow or a hang), and so that every node keeps its span.
/// </remarks>
public static partial class YamlReader
{
    /// <summary>Reads every document of <paramref name="file"/>; documents before a syntax error are kept.</summary>
    /// <remarks>
    /// Reads what go-yaml (kubectl, Helm, kustomize) reads where YamlDotNet is stricter: a block scalar whose leading
    /// empty lines hold spaces is read after those spaces are set aside (<see cref="BlockScalarRepair"/>). Keys written
    /// twice in one mapping are refused, as kubectl refuses them. docs/input.md lists what still differs.
    /// </remarks>
    public static (IReadOnlyList<YamlDocument> Documents, InputError? Error) Read(SourceFile file, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        limits ??= InputLimits.Default;
        var repair = new BlockScalarRepair(file.Text);
        while (true)
        {
            var (documents, error, failedAt) = ReadOnce(file, repair, limits);
            if (failedAt is not { } at || !repair.TryRepairBefore(at))
            {
                return (documents, error is null ? null : Input.HelmHint.Add(error, file.Text));
            }
        }
    }

    private static (List<YamlDocument> Documents, InputError? Error, int? RepairableAt) ReadOnce(SourceFile file, BlockScalarRepair repair, InputLimits limits)
    {
        var documents = new List<YamlDocument>();
        var origins = FindHelmOrigins(file.Text);
        var parser = new Parser(new StringReader(repair.Text));
        var builder = new Builder(limits, file.Text.Length, repair);
        var previousEndLine = 0;
        try
        {
            parser.Consume<StreamStart>();
            while (!parser.Accept<StreamEnd>(out _))
            {
                var documentStart = parser.Consume<DocumentStart>();
                YNode? root = null;
                if (!parser.Accept<DocumentEnd>(out _))
                {
                    root = builder.Table.Node(builder.ReadNode(parser));
                }

                var documentEnd = parser.Consume<DocumentEnd>();
                var start = repair.Position(documentStart.Start);
                var end = repair.Position(documentEnd.End);
                var contentLine = root?.Start.Line ?? start.Line;
                documents.Add(new YamlDocument(documents.Count, root, start, end, OriginFor(origins, previousEndLine, contentLine)));
                previousEndLine = contentLine;
            }
        }
        catch (SemanticErrorException e) when (BlockScalarRepair.IsLeadingSpacesError(e.Message))
        {
            var at = repair.Position(e.Start);
            return (documents, new InputError(file.DisplayName, at.Line, at.Column, Describe(e)), (int)e.Start.Index);
        }
        catch (YamlException e)
        {
            var at = repair.Position(e.Start);
            return (documents, new InputError(file.DisplayName, at.Line, at.Column, Describe(e)), null);
        }
        catch (LimitExceededException e)
        {
            return (documents, new InputError(file.DisplayName, e.Position.Line, e.Position.Column, e.Message), null);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input instead of a YamlException.
            var at = builder.LastPosition;
            return (documents, new InputError(file.DisplayName, at.Line, at.Column, "The YAML is malformed after this point."), null);
        }

        return (documents, null, null);
    }

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; the position is reported separately.
        var text = MarkPrefix().Replace(e.Message, string.Empty).Trim();
        if (text.Length == 0)
        {
            text = "The YAML is malformed";
        }

        text = char.ToUpperInvariant(text[0]) + text[1..];
        return text.EndsWith('.') ? text : text + ".";
    }

    private static List<(int Line, string Origin)> FindHelmOrigins(string text)
    {
        var result = new List<(int, string)>();
        var index = text.IndexOf("# Source: ", StringComparison.Ordinal);
        while (index >= 0)
        {
            var lineStart = index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;
            if (text.AsSpan(lineStart, index - lineStart).IsWhiteSpace())
            {
                var lineEnd = text.IndexOf('\n', index);
                var origin = text[(index + "# Source: ".Length)..(lineEnd < 0 ? text.Length : lineEnd)].Trim();
                result.Add((CountLines(text, index), origin));
            }

            index = text.IndexOf("# Source: ", index + 1, StringComparison.Ordinal);
        }

        return result;
    }

    private static int CountLines(string text, int upTo)
    {
        var line = 1;
        var span = text.AsSpan(0, upTo);
        foreach (var c in span)
        {
            if (c == '\n')
            {
                line++;
            }
        }

        return line;
    }

    private static string? OriginFor(List<(int Line, string Origin)> origins, int afterLine, int beforeLine)
    {
        string? found = null;
        foreach (var (line, origin) in origins)
        {
            if (line >= afterLine && line <= beforeLine)
            {
                found = origin;
            }
        }

        return found;
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MarkPrefix();

    private sealed class LimitExceededException(SourcePosition position, string message) : Exception(message)
    {
        public SourcePosition Position { get; } = position;
    }

    /// <summary>Builds rows of a <see cref="NodeTable"/> with an explicit stack, tracking depth and expanded size.</summary>
    private sealed class Builder(InputLimits limits, int textLength, BlockScalarRepair repair)
    {
        private readonly Dictionary<string, (int Row, long Size)> _anchors = new(StringComparer.Ordinal);
        private readonly List<Frame> _frames = [];
        private readonly Stack<Frame> _stack = new();

        public NodeTable Table { get; } = new(textLength);

        public SourcePosition LastPosition { get; private set; } = new(1, 1, 0);

        /// <summary>An open mapping or sequence; frames are reused by depth.</summary>
        private sealed class Frame
        {
            public ParsingEvent StartEvent { get; private set; } = null!;
            public bool IsMap { get; private set; }
            public string? Anchor { get; private set; }

            /// <summary>Child rows: items of a sequence, or key, value, key, value... of a mapping.</summary>
            public List<int> Children { get; } = [];
            public long Size { get; set; }

            public Frame Open(ParsingEvent start, bool isMap, string? anchor)
            {
                StartEvent = start;
                IsMap = isMap;
                Anchor = anchor;
                Children.Clear();
                Size = 1;
                return this;
            }
        }

        /// <summary>Reads one node (the root of a document) and returns its row.</summary>
        public int ReadNode(IParser parser)
        {
            _anchors.Clear();
            _stack.Clear();
            while (true)
            {
                var e = parser.Consume<ParsingEvent>();
                LastPosition = repair.Position(e.End);
                int completed;
                long completedSize;
                switch (e)
                {
                    case Scalar s:
                    {
                        completed = Table.AddScalar(repair.Position(s.Start), repair.Position(s.End), TagOf(s.Tag), s.Value, Map(s.Style));
                        completedSize = 1;
                        if (!s.Anchor.IsEmpty)
                        {
                            _anchors[s.Anchor.Value] = (completed, completedSize);
                        }

                        break;
                    }

                    case AnchorAlias alias:
                    {
                        if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw new LimitExceededException(repair.Position(alias.Start), $"The alias '*{alias.Value.Value}' refers to no anchor.");
                        }

                        (completed, completedSize) = target;
                        break;
                    }

                    case MappingStart m:
                        Push(m, isMap: true, m.Anchor.IsEmpty ? null : m.Anchor.Value);
                        continue;

                    case SequenceStart q:
                        Push(q, isMap: false, q.Anchor.IsEmpty ? null : q.Anchor.Value);
                        continue;

                    case MappingEnd or SequenceEnd:
                    {
                        var frame = _stack.Pop();
                        completed = Close(frame, e);
                        completedSize = frame.Size;
                        if (frame.Anchor is not null)
                        {
                            _anchors[frame.Anchor] = (completed, completedSize);
                        }

                        break;
                    }

                    default:
                        throw new LimitExceededException(repair.Position(e.Start), "Unexpected YAML structure.");
                }

                if (_stack.Count == 0)
                {
                    return completed;
                }

                var parent = _stack.Peek();
                parent.Children.Add(completed);
                parent.Size += completedSize;
                if (parent.Size > limits.MaxExpandedNodes)
                {
                    throw new LimitExceededException(repair.Position(e.Start),
                        $"Aliases make this document expand to more than {limits.MaxExpandedNodes:N0} nodes (an alias bomb?); Handoff stops reading it.");
                }
            }
        }

        private void Push(ParsingEvent start, bool isMap, string? anchor)
        {
            if (_stack.Count >= limits.MaxDepth)
            {
                throw new LimitExceededException(repair.Position(start.Start),
                    $"The YAML nests deeper than {limits.MaxDepth} levels; no Kubernetes object does.");
            }

            if (_frames.Count == _stack.Count)
            {
                _frames.Add(new Frame());
            }

            _stack.Push(_frames[_stack.Count].Open(start, isMap, anchor));
        }

        private int Close(Frame frame, ParsingEvent end)
        {
            var start = repair.Position(frame.StartEvent.Start);
            var stop = repair.Position(end.End);
            if (frame.IsMap)
            {
                RefuseKeysWrittenTwice(frame.Children);
                var m = (MappingStart)frame.StartEvent;
                return Table.AddCollection(NodeTable.NodeType.Mapping, start, stop, TagOf(m.Tag), m.Style == MappingStyle.Flow, frame.Children);
            }

            var q = (SequenceStart)frame.StartEvent;
            return Table.AddCollection(NodeTable.NodeType.Sequence, start, stop, TagOf(q.Tag), q.Style == SequenceStyle.Flow, frame.Children);
        }

        /// <summary>
        /// Refuses a mapping with a scalar key written twice, as kubectl does (its YAML library reports "mapping key
        /// already defined"; seen in kubectl 1.21 output quoted in k8up-io/k8up#452): which copy would win is not
        /// something Handoff should guess. Merge keys ('&lt;&lt;') are not compared.
        /// </summary>
        private void RefuseKeysWrittenTwice(List<int> children)
        {
            var count = children.Count / 2;
            if (count < 2)
            {
                return;
            }

            HashSet<string>? seen = count > 12 ? new HashSet<string>(StringComparer.Ordinal) : null;
            for (var i = 0; i < children.Count; i += 2)
            {
                var key = children[i];
                if (!Table.IsScalar(key) || Table.Text(key) is "<<")
                {
                    continue;
                }

                var text = Table.Text(key);
                var written = seen is null ? FirstEarlier(children, i, text) : seen.Add(text) ? -1 : FirstEarlier(children, i, text);
                if (written >= 0)
                {
                    throw new LimitExceededException(Table.Start(key),
                        $"The key '{text}' is written twice in this mapping (first at line {Table.Start(written).Line}); kubectl refuses such a document, so Handoff stops reading here.");
                }
            }
        }

        private int FirstEarlier(List<int> children, int before, string text)
        {
            for (var j = 0; j < before; j += 2)
            {
                if (Table.IsScalar(children[j]) && string.Equals(Table.Text(children[j]), text, StringComparison.Ordinal))
                {
                    return children[j];
                }
            }

            return -1;
        }

        private static string? TagOf(TagName tag) => tag.IsEmpty || tag.IsNonSpecific ? null : tag.Value;

        private static ScalarStyle Map(CoreScalarStyle style) => style switch
        {
            CoreScalarStyle.SingleQuoted => ScalarStyle.SingleQuoted,
            CoreScalarStyle.DoubleQuoted => ScalarStyle.DoubleQuoted,
            CoreScalarStyle.Literal => ScalarStyle.Literal,
            CoreScalarStyle.Folded => ScalarStyle.Folded,
            _ => ScalarStyle.Plain,
        };
    }
}
