using Handoff.Analysis.Yaml;

namespace Handoff.Analysis.Fixes;

/// <summary>How a file writes its YAML, so that inserted text looks like its neighbours.</summary>
/// <param name="Newline">"\r\n" when most lines end so, else "\n".</param>
/// <param name="IndentUnit">How far a nested mapping is indented from its parent key (most common distance; 2 when none is seen).</param>
/// <param name="IsJson">Whether the file is JSON (flow style with double-quoted keys), so inserted text must be JSON too.</param>
public sealed record YamlStyle(string Newline, int IndentUnit, bool IsJson)
{
    /// <summary>Reads the style of <paramref name="text"/> from its documents.</summary>
    public static YamlStyle Detect(string text, IEnumerable<YamlDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(documents);
        var crlf = 0;
        var lf = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                if (i > 0 && text[i - 1] == '\r')
                {
                    crlf++;
                }
                else
                {
                    lf++;
                }
            }
        }

        var counts = new Dictionary<int, int>();
        var stack = new Stack<YNode>();
        var roots = documents.Select(d => d.Root).OfType<YNode>().ToList();
        foreach (var root in roots)
        {
            stack.Push(root);
        }

        var visited = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!visited.Add(node))
            {
                continue; // An alias points back at an anchored node.
            }

            if (node is YMap map)
            {
                foreach (var (key, value) in map.Entries)
                {
                    if (!map.IsFlow && value is YMap { IsFlow: false, Entries.Count: > 0 } child && child.Start.Offset > key.Start.Offset)
                    {
                        var distance = child.Entries[0].Key.Start.Column - key.Start.Column;
                        if (distance > 0)
                        {
                            counts[distance] = counts.GetValueOrDefault(distance) + 1;
                        }
                    }

                    stack.Push(value);
                }
            }
            else if (node is YSeq seq)
            {
                foreach (var item in seq.Items)
                {
                    stack.Push(item);
                }
            }
        }

        var unit = counts.Count == 0 ? 2 : counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).First().Key;
        var isJson = roots.Count > 0 && roots.TrueForAll(r => r is YMap { IsFlow: true } m
            && m.Entries.All(e => e.Key is YScalar { Style: ScalarStyle.DoubleQuoted }));
        return new YamlStyle(crlf > lf ? "\r\n" : "\n", unit, isJson);
    }
}
