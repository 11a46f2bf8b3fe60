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

    /// <summary>Most edit steps Myers' search takes on one stretch (its memory grows with their square) before it falls back to replacing the stretch whole.</summary>
    private const int MaxEditSteps = 4096;

    /// <summary>
    /// An edit script: each entry is an operation with the index it reads in a (Equal, Delete) and b (Equal, Insert).
    /// Up to <see cref="MaxEditSteps"/> lines it is the shortest script. In larger texts, lines that occur once in each
    /// text anchor the script first (as in patience diff), so the shortest-script search only runs on the stretches
    /// between anchors: fixing 2,000 Deployments makes thousands of small hunks, which one
    /// Myers search over the whole file would hold in memory as D x (N + M) frontier cells.
    /// </summary>
    private static List<(Op Op, int A, int B)> Diff(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var script = new List<(Op, int, int)>(a.Count + b.Count);
        DiffRange(a, b, 0, a.Count, 0, b.Count, script, depth: 0);
        return script;
    }

    private static void DiffRange(IReadOnlyList<string> a, IReadOnlyList<string> b, int aStart, int aEnd, int bStart, int bEnd, List<(Op, int, int)> script, int depth)
    {
        // Common prefix and suffix cost nothing.
        var prefix = 0;
        while (aStart + prefix < aEnd && bStart + prefix < bEnd && string.Equals(a[aStart + prefix], b[bStart + prefix], StringComparison.Ordinal))
        {
            script.Add((Op.Equal, aStart + prefix, bStart + prefix));
            prefix++;
        }

        aStart += prefix;
        bStart += prefix;
        var suffix = 0;
        while (aEnd - suffix > aStart && bEnd - suffix > bStart && string.Equals(a[aEnd - 1 - suffix], b[bEnd - 1 - suffix], StringComparison.Ordinal))
        {
            suffix++;
        }

        var middleAEnd = aEnd - suffix;
        var middleBEnd = bEnd - suffix;
        if (aStart == middleAEnd || bStart == middleBEnd)
        {
            for (var i = aStart; i < middleAEnd; i++)
            {
                script.Add((Op.Delete, i, bStart));
            }

            for (var j = bStart; j < middleBEnd; j++)
            {
                script.Add((Op.Insert, middleAEnd, j));
            }
        }
        else
        {
            // Small stretches get the exact shortest script (as 'diff' does); large ones are first cut at unique lines.
            var small = (middleAEnd - aStart) + (middleBEnd - bStart) <= MaxEditSteps;
            var anchors = !small && depth < 8 ? UniqueAnchors(a, b, aStart, middleAEnd, bStart, middleBEnd) : [];
            if (anchors.Count == 0)
            {
                script.AddRange(Myers(a, b, aStart, middleAEnd, bStart, middleBEnd));
            }
            else
            {
                int ai = aStart, bi = bStart;
                foreach (var (anchorA, anchorB) in anchors)
                {
                    DiffRange(a, b, ai, anchorA, bi, anchorB, script, depth + 1);
                    script.Add((Op.Equal, anchorA, anchorB));
                    ai = anchorA + 1;
                    bi = anchorB + 1;
                }

                DiffRange(a, b, ai, middleAEnd, bi, middleBEnd, script, depth + 1);
            }
        }

        for (var k = suffix; k > 0; k--)
        {
            script.Add((Op.Equal, aEnd - k, bEnd - k));
        }
    }

    /// <summary>Pairs of lines that occur exactly once in each range, longest run in the same order (patience sorting).</summary>
    private static List<(int A, int B)> UniqueAnchors(IReadOnlyList<string> a, IReadOnlyList<string> b, int aStart, int aEnd, int bStart, int bEnd)
    {
        var counts = new Dictionary<string, (int InA, int InB, int AtA, int AtB)>(StringComparer.Ordinal);
        for (var i = aStart; i < aEnd; i++)
        {
            var c = counts.GetValueOrDefault(a[i]);
            counts[a[i]] = (c.InA + 1, c.InB, i, c.AtB);
        }

        for (var j = bStart; j < bEnd; j++)
        {
            var c = counts.GetValueOrDefault(b[j]);
            counts[b[j]] = (c.InA, c.InB + 1, c.AtA, j);
        }

        var pairs = counts.Values.Where(c => c.InA == 1 && c.InB == 1).Select(c => (c.AtA, c.AtB)).OrderBy(p => p.AtA).ToList();
        if (pairs.Count == 0)
        {
            return [];
        }

        // Longest increasing subsequence of the b positions, in a order.
        var tails = new List<int>();
        var previous = new int[pairs.Count];
        for (var k = 0; k < pairs.Count; k++)
        {
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (pairs[tails[mid]].AtB < pairs[k].AtB)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            previous[k] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(k);
            }
            else
            {
                tails[lo] = k;
            }
        }

        var result = new List<(int, int)>(tails.Count);
        for (var k = tails[^1]; k >= 0; k = previous[k])
        {
            result.Add(pairs[k]);
        }

        result.Reverse();
        return result;
    }

    /// <summary>Myers' shortest edit script for a[aStart..aEnd) against b[bStart..bEnd), keeping only the live part of each frontier.</summary>
    private static List<(Op, int, int)> Myers(IReadOnlyList<string> a, IReadOnlyList<string> b, int aStart, int aEnd, int bStart, int bEnd)
    {
        var n = aEnd - aStart;
        var m = bEnd - bStart;
        var max = Math.Min(n + m, MaxEditSteps);
        var offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = false;
        for (var d = 0; d <= max && !found; d++)
        {
            // Frontier d - 1 is all the walk back needs: diagonals -(d-1)..(d-1), stored from index 0.
            var snapshot = new int[(2 * d) + 1];
            Array.Copy(v, offset - d, snapshot, 0, snapshot.Length);
            trace.Add(snapshot);
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

        var result = new List<(Op, int, int)>();
        if (!found)
        {
            // Too far apart to search cheaply: replacing the stretch whole is still a correct diff.
            for (var i = 0; i < n; i++)
            {
                result.Add((Op.Delete, aStart + i, bStart));
            }

            for (var j = 0; j < m; j++)
            {
                result.Add((Op.Insert, aEnd, bStart + j));
            }

            return result;
        }

        // Walk back from (n, m): trace[d] holds the frontier before step d, i.e. frontier d - 1 at diagonals -d..d.
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var frontier = trace[d];
            int At(int diagonal) => frontier[diagonal + d];
            var k = cx - cy;
            var prevK = d == 0 ? 0 : k == -d || (k != d && At(k - 1) < At(k + 1)) ? k + 1 : k - 1;
            var prevX = d == 0 ? 0 : At(prevK);
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
