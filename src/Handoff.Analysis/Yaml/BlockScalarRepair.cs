using YamlDotNet.Core;

namespace Handoff.Analysis.Yaml;

/// <summary>
/// The text YamlDotNet is given, with the spaces of a block scalar's leading empty lines set aside where go-yaml reads
/// them and YamlDotNet does not, and the map from positions in that text back to the user's text.
/// </summary>
/// <remarks>
/// <para>
/// go-yaml (a port of libyaml; kubectl, Helm and kustomize read YAML with it) takes a block scalar's indentation from
/// the largest of its leading empty lines and its first content line, so a literal block whose first line is only
/// spaces (Helm templates leave them after a trimmed <c>{{- if }}</c>) reads as usual. YamlDotNet follows the YAML 1.2
/// test suite (case W9L4) and refuses it: "found extra spaces in first line". A leading empty line adds one line
/// break to the value however many spaces it holds, so removing those spaces changes nothing go-yaml would read, as
/// long as the content line is indented at least as far as the spaces (else go-yaml ends the scalar there, and the
/// lines are left alone so the error stands).
/// </para>
/// <para>
/// Only spaces are removed and only on lines that hold nothing else, so line numbers never change; offsets and columns
/// after a removal are mapped back, so findings and fixes point at the user's bytes.
/// </para>
/// </remarks>
internal sealed class BlockScalarRepair
{
    private readonly string _original;

    // Removals in the repaired text: where (offset in the repaired text) and how many spaces, in text order.
    private readonly List<(int At, int Count, int Line)> _removed = [];

    public BlockScalarRepair(string text)
    {
        _original = text;
        Text = text;
    }

    /// <summary>The text to parse.</summary>
    public string Text { get; private set; }

    /// <summary>Whether a YamlDotNet error is one this repair may resolve.</summary>
    public static bool IsLeadingSpacesError(string message) =>
        message.Contains("found extra spaces in first line", StringComparison.Ordinal)
        || message.Contains("found more spaces in lines above first content line", StringComparison.Ordinal);

    /// <summary>A position in the repaired text as a position in the user's text.</summary>
    public SourcePosition Position(Mark mark)
    {
        var offset = (int)mark.Index;
        var line = (int)mark.Line;
        var column = (int)mark.Column;
        var shift = 0;
        foreach (var (at, count, removedLine) in _removed)
        {
            if (at >= offset)
            {
                break;
            }

            shift += count;
            if (removedLine == line)
            {
                column += count;
            }
        }

        return new SourcePosition(line, column, offset + shift);
    }

    /// <summary>
    /// Removes the spaces of the leading empty lines of the block scalar whose content starts at or after
    /// <paramref name="errorOffset"/> (an offset in <see cref="Text"/>); false when there is nothing go-yaml would read
    /// differently, so the error stands.
    /// </summary>
    public bool TryRepairBefore(int errorOffset)
    {
        var text = Text;
        errorOffset = Math.Clamp(errorOffset, 0, text.Length);

        // Walk back over empty lines to the header line ending in '|' or '>' (with optional indicators and comment).
        var lineStart = LineStart(text, Math.Min(errorOffset, text.Length));
        var blankLines = new List<(int Start, int Spaces)>();
        var header = -1;
        var cursor = lineStart;
        while (cursor > 0)
        {
            var previousStart = LineStart(text, cursor - 1);
            var line = text.AsSpan(previousStart, cursor - previousStart).TrimEnd("\r\n");
            if (line.IsWhiteSpace())
            {
                blankLines.Add((previousStart, line.Length));
                cursor = previousStart;
                continue;
            }

            if (IsBlockHeader(line))
            {
                header = previousStart;
            }

            break;
        }

        if (header < 0 || blankLines.Count == 0)
        {
            return false;
        }

        // The first content line after the blank lines (the error points at or before it).
        var content = lineStart;
        while (content < text.Length)
        {
            var end = text.IndexOf('\n', content);
            var line = text.AsSpan(content, (end < 0 ? text.Length : end) - content).TrimEnd('\r');
            if (!line.IsWhiteSpace())
            {
                break;
            }

            blankLines.Add((content, line.Length));
            if (end < 0)
            {
                content = text.Length;
                break;
            }

            content = end + 1;
        }

        var contentIndent = 0;
        while (content + contentIndent < text.Length && text[content + contentIndent] == ' ')
        {
            contentIndent++;
        }

        var headerIndent = 0;
        while (text[header + headerIndent] == ' ')
        {
            headerIndent++;
        }

        var widest = blankLines.Max(b => b.Spaces);
        var atEnd = content >= text.Length;
        if (!atEnd && contentIndent < widest && contentIndent > headerIndent)
        {
            // go-yaml ends the scalar before a content line indented less than the blank lines: not ours to change.
            return false;
        }

        var builder = new System.Text.StringBuilder(text.Length);
        var removals = blankLines.Where(b => b.Spaces > 0).OrderBy(b => b.Start).ToList();
        if (removals.Count == 0)
        {
            return false;
        }

        var copied = 0;
        foreach (var (start, spaces) in removals)
        {
            builder.Append(text, copied, start - copied);
            copied = start + spaces;
            var lineNumber = 1 + CountBreaks(text, start);
            Insert(start, spaces, lineNumber);
        }

        builder.Append(text, copied, text.Length - copied);
        Text = builder.ToString();
        return true;
    }

    private void Insert(int startInCurrentText, int count, int line)
    {
        // Offsets of later removals recorded earlier are in the text before this removal; shift them.
        var index = _removed.FindIndex(r => r.At > startInCurrentText);
        if (index < 0)
        {
            _removed.Add((startInCurrentText, count, line));
            return;
        }

        for (var i = index; i < _removed.Count; i++)
        {
            _removed[i] = (_removed[i].At - count, _removed[i].Count, _removed[i].Line);
        }

        _removed.Insert(index, (startInCurrentText, count, line));
    }

    private static bool IsBlockHeader(ReadOnlySpan<char> line)
    {
        // Strip a trailing comment (" #..."), then trailing spaces; the line must end in | or > plus up to two indicators.
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        if (hash >= 0)
        {
            line = line[..hash];
        }

        line = line.TrimEnd();
        var i = line.Length - 1;
        var indicators = 0;
        while (i >= 0 && indicators < 2 && (line[i] is '+' or '-' || char.IsAsciiDigit(line[i])))
        {
            i--;
            indicators++;
        }

        if (i < 0 || line[i] is not ('|' or '>'))
        {
            return false;
        }

        // The indicator must start a value: after "key:", "- ", "---", or alone on the line.
        var before = line[..i].TrimEnd();
        return before.Length == 0 || before[^1] is ':' or '-' || before.EndsWith("---", StringComparison.Ordinal);
    }

    private static int LineStart(string text, int offset)
    {
        if (offset <= 0)
        {
            return 0;
        }

        var previous = text.LastIndexOf('\n', offset - 1);
        return previous + 1;
    }

    private static int CountBreaks(string text, int upTo)
    {
        var count = 0;
        for (var i = 0; i < upTo; i++)
        {
            if (text[i] == '\n')
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc/>
    public override string ToString() => _original.Length == Text.Length ? "no repair" : $"{_removed.Count} lines repaired";
}
