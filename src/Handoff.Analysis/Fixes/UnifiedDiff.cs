using System.Globalization;
using System.Text;

namespace Handoff.Analysis.Fixes;

/// <summary>Line diffs in the unified format of 'diff -u' and 'git diff', computed with Myers' O(ND) algorithm.</summary>
public static class UnifiedDiff
{
    /// <summary>Lines of context around each change, as 'diff -u' uses.</summary>
    public const int DefaultContext = 3;

    private enum Op
    {
        Equal,
        Delete,
        Insert,
    }

    /// <summary>The unified diff from <paramref name="oldText"/> to <paramref name="newText"/>; "" when they are equal.</summary>
    /// <param name="oldText">The text before.</param>
    /// <param name="newText">The text after.</param>
    /// <param name="oldName">The name after "--- " (for example "a/deploy.yaml").</param>
    /// <param name="newName">The name after "+++ ".</param>
    /// <param name="context">Lines of context.</param>
    /// <remarks>Lines keep their own terminators, so CRLF files diff as CRLF and a missing final newline is marked as 'diff' marks it.</remarks>
    public static string Create(string oldText, string newText, string oldName, string newName, int context = DefaultContext)
    {
        ArgumentNullException.ThrowIfNull(oldText);
        ArgumentNullException.ThrowIfNull(newText);
        if (string.Equals(oldText, newText, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        var a = SplitLines(oldText);
        var b = SplitLines(newText);
        var script = Diff(a, b);
        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldName).Append('\n');
        sb.Append("+++ ").Append(newName).Append('\n');

        // Positions (in the edit script) of changes, grouped into hunks whose context would touch or overlap.
        var i = 0;
        while (i < script.Count)
        {
            if (script[i].Op == Op.Equal)
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - context);
            var end = i;
            var lastChange = i;
            while (end < script.Count)
            {
                if (script[end].Op != Op.Equal)
                {
                    lastChange = end;
                }
                else if (end - lastChange > 2 * context)
                {
                    break;
                }

                end++;
            }

            end = Math.Min(script.Count, lastChange + context + 1);
            WriteHunk(sb, script, start, end, a, b);
            i = end;
        }

        return sb.ToString();
    }

    /// <summary>Splits text into lines, each keeping its terminator ("\n" or "\r\n"); the last may have none.</summary>
    public static IReadOnlyList<string> SplitLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    private static void WriteHunk(StringBuilder sb, List<(Op Op, int A, int B)> script, int start, int end, IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var oldCount = 0;
        var newCount = 0;
        for (var k = start; k < end; k++)
        {
            if (script[k].Op != Op.Insert)
            {
                oldCount++;
            }

            if (script[k].Op != Op.Delete)
            {
                newCount++;
            }
        }

        // 'diff -u' numbers an empty range by the line before it.
        var oldStart = script[start].A + (oldCount == 0 ? 0 : 1);
        var newStart = script[start].B + (newCount == 0 ? 0 : 1);
        sb.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
        for (var k = start; k < end; k++)
        {
            var (op, ai, bi) = script[k];
            var (prefix, line) = op switch
            {
                Op.Equal => (' ', a[ai]),
                Op.Delete => ('-', a[ai]),
                _ => ('+', b[bi]),
            };
            sb.Append(prefix).Append(line);
            if (!line.EndsWith('\n'))
            {
                sb.Append("\n\\ No newline at end of file\n");
            }
        }
    }

    private static string Range(int start, int count) => count == 1
        ? start.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{start},{count}");

    /// <summary>The shortest edit script: each entry is an operation with the index it reads in a (Equal, Delete) and b (Equal, Insert).</summary>
    private static List<(Op Op, int A, int B)> Diff(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // Common prefix and suffix cost nothing; Myers runs on the middle only.
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && string.Equals(a[prefix], b[prefix], StringComparison.Ordinal))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix
            && string.Equals(a[a.Count - 1 - suffix], b[b.Count - 1 - suffix], StringComparison.Ordinal))
        {
            suffix++;
        }

        var script = new List<(Op, int, int)>(a.Count + b.Count);
        for (var k = 0; k < prefix; k++)
        {
            script.Add((Op.Equal, k, k));
        }

        var middle = Myers(a, b, prefix, a.Count - suffix, prefix, b.Count - suffix);
        script.AddRange(middle);
        for (var k = suffix; k > 0; k--)
        {
            script.Add((Op.Equal, a.Count - k, b.Count - k));
        }

        return script;
    }

    private static List<(Op, int, int)> Myers(IReadOnlyList<string> a, IReadOnlyList<string> b, int aStart, int aEnd, int bStart, int bEnd)
    {
        var n = aEnd - aStart;
        var m = bEnd - bStart;
        var max = n + m;
        var offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = false;
        for (var d = 0; d <= max && !found; d++)
        {
            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && string.Equals(a[aStart + x], b[bStart + y], StringComparison.Ordinal))
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = true;
                    break;
                }
            }
        }

        // Walk back from (n, m) through the saved frontiers.
        var result = new List<(Op, int, int)>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var frontier = trace[d];
            var k = cx - cy;
            int prevK;
            if (d == 0)
            {
                prevK = 0;
            }
            else
            {
                prevK = k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1]) ? k + 1 : k - 1;
            }

            var prevX = d == 0 ? 0 : frontier[offset + prevK];
            var prevY = prevX - prevK;
            while (cx > prevX && cy > prevY)
            {
                cx--;
                cy--;
                result.Add((Op.Equal, aStart + cx, bStart + cy));
            }

            if (d > 0)
            {
                if (cx == prevX)
                {
                    cy--;
                    result.Add((Op.Insert, aStart + cx, bStart + cy));
                }
                else
                {
                    cx--;
                    result.Add((Op.Delete, aStart + cx, bStart + cy));
                }
            }
        }

        result.Reverse();
        return result;
    }
}
