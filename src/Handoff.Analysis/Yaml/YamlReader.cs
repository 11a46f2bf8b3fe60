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
    public static (IReadOnlyList<YamlDocument> Documents, InputError? Error) Read(SourceFile file, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        limits ??= InputLimits.Default;
        var documents = new List<YamlDocument>();
        var origins = FindHelmOrigins(file.Text);
        var parser = new Parser(new StringReader(file.Text));
        var builder = new Builder(limits);
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
                    root = builder.ReadNode(parser, file);
                }

                var documentEnd = parser.Consume<DocumentEnd>();
                var start = Position(documentStart.Start);
                var end = Position(documentEnd.End);
                var contentLine = root?.Start.Line ?? start.Line;
                documents.Add(new YamlDocument(documents.Count, root, start, end, OriginFor(origins, previousEndLine, contentLine)));
                previousEndLine = contentLine;
            }
        }
        catch (YamlException e)
        {
            return (documents, new InputError(file.DisplayName, (int)e.Start.Line, (int)e.Start.Column, Describe(e)));
        }
        catch (LimitExceededException e)
        {
            return (documents, new InputError(file.DisplayName, e.Position.Line, e.Position.Column, e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input instead of a YamlException.
            var at = builder.LastPosition;
            return (documents, new InputError(file.DisplayName, at.Line, at.Column, "The YAML is malformed after this point."));
        }

        return (documents, null);
    }

    internal static SourcePosition Position(Mark mark) => new((int)mark.Line, (int)mark.Column, (int)mark.Index);

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

    /// <summary>Builds nodes with an explicit stack, tracking depth and expanded size.</summary>
    private sealed class Builder(InputLimits limits)
    {
        private readonly Dictionary<string, (YNode Node, long Size)> _anchors = new(StringComparer.Ordinal);

        public SourcePosition LastPosition { get; private set; } = new(1, 1, 0);

        private sealed class Frame(ParsingEvent start, bool isMap, string? anchor)
        {
            public ParsingEvent StartEvent { get; } = start;
            public bool IsMap { get; } = isMap;
            public string? Anchor { get; } = anchor;
            public List<YNode>? Items { get; } = isMap ? null : [];
            public List<KeyValuePair<YNode, YNode>>? Entries { get; } = isMap ? [] : null;
            public YNode? PendingKey { get; set; }
            public long Size { get; set; } = 1;

            public void Add(YNode node)
            {
                if (Items is not null)
                {
                    Items.Add(node);
                }
                else if (PendingKey is null)
                {
                    PendingKey = node;
                }
                else
                {
                    Entries!.Add(new KeyValuePair<YNode, YNode>(PendingKey, node));
                    PendingKey = null;
                }
            }
        }

        public YNode ReadNode(IParser parser, SourceFile file)
        {
            _anchors.Clear();
            var stack = new Stack<Frame>();
            while (true)
            {
                var e = parser.Consume<ParsingEvent>();
                LastPosition = Position(e.End);
                YNode? completed = null;
                long completedSize = 0;
                switch (e)
                {
                    case Scalar s:
                    {
                        completed = new YScalar(Position(s.Start), Position(s.End), TagOf(s.Tag), s.Value, Map(s.Style));
                        completedSize = 1;
                        Remember(s.Anchor, completed, completedSize);
                        break;
                    }

                    case AnchorAlias alias:
                    {
                        if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw new LimitExceededException(Position(alias.Start), $"The alias '*{alias.Value.Value}' refers to no anchor.");
                        }

                        completed = target.Node;
                        completedSize = target.Size;
                        break;
                    }

                    case MappingStart m:
                        Push(stack, new Frame(m, isMap: true, m.Anchor.IsEmpty ? null : m.Anchor.Value), m.Start);
                        continue;

                    case SequenceStart q:
                        Push(stack, new Frame(q, isMap: false, q.Anchor.IsEmpty ? null : q.Anchor.Value), q.Start);
                        continue;

                    case MappingEnd or SequenceEnd:
                    {
                        var frame = stack.Pop();
                        completed = Close(frame, e);
                        completedSize = frame.Size;
                        if (frame.Anchor is not null)
                        {
                            _anchors[frame.Anchor] = (completed, completedSize);
                        }

                        break;
                    }

                    default:
                        throw new LimitExceededException(Position(e.Start), "Unexpected YAML structure.");
                }

                if (stack.Count == 0)
                {
                    return completed!;
                }

                var parent = stack.Peek();
                parent.Add(completed!);
                parent.Size += completedSize;
                if (parent.Size > limits.MaxExpandedNodes)
                {
                    throw new LimitExceededException(Position(e.Start),
                        $"Aliases make this document expand to more than {limits.MaxExpandedNodes:N0} nodes (an alias bomb?); Handoff stops reading it.");
                }
            }
        }

        private void Push(Stack<Frame> stack, Frame frame, Mark start)
        {
            if (stack.Count >= limits.MaxDepth)
            {
                throw new LimitExceededException(Position(start),
                    $"The YAML nests deeper than {limits.MaxDepth} levels; no Kubernetes object does.");
            }

            stack.Push(frame);
        }

        private static YNode Close(Frame frame, ParsingEvent end)
        {
            var start = Position(frame.StartEvent.Start);
            var stop = Position(end.End);
            if (frame.IsMap)
            {
                var m = (MappingStart)frame.StartEvent;
                return new YMap(start, stop, TagOf(m.Tag), frame.Entries!, m.Style == MappingStyle.Flow);
            }

            var q = (SequenceStart)frame.StartEvent;
            return new YSeq(start, stop, TagOf(q.Tag), frame.Items!, q.Style == SequenceStyle.Flow);
        }

        private void Remember(AnchorName anchor, YNode node, long size)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = (node, size);
            }
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
