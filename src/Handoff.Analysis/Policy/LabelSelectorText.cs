using System.Text.RegularExpressions;
using Handoff.Analysis.Fixes.Patches;

namespace Handoff.Analysis.Policy;

/// <summary>Reads a label selector written as kubectl takes it ("env=prod,team in (a,b),!legacy") into a LabelSelector object.</summary>
public static partial class LabelSelectorText
{
    /// <summary>Parses <paramref name="text"/>; returns the selector (matchLabels, then matchExpressions) or a sentence saying what is wrong.</summary>
    public static (PlainMap? Selector, string? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var labels = new List<(string, PlainNode)>();
        var expressions = new List<PlainNode>();
        var parts = SplitOutsideParentheses(text);
        if (parts.Count == 0)
        {
            return (null, "the selector is empty.");
        }

        foreach (var raw in parts)
        {
            var part = raw.Trim();
            Match m;
            if ((m = SetRequirement().Match(part)).Success)
            {
                var values = m.Groups["values"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (values.Length == 0 || !values.All(v => Value().IsMatch(v)))
                {
                    return (null, $"'{part}' needs one or more label values in parentheses.");
                }

                expressions.Add(Expression(m.Groups["key"].Value, m.Groups["op"].Value == "in" ? "In" : "NotIn", values));
            }
            else if ((m = Equality().Match(part)).Success)
            {
                if (m.Groups["op"].Value == "!=")
                {
                    expressions.Add(Expression(m.Groups["key"].Value, "NotIn", [m.Groups["value"].Value]));
                }
                else
                {
                    labels.Add((m.Groups["key"].Value, new PlainScalar(m.Groups["value"].Value, IsString: true)));
                }
            }
            else if ((m = Existence().Match(part)).Success)
            {
                expressions.Add(Expression(m.Groups["key"].Value, m.Groups["not"].Success ? "DoesNotExist" : "Exists", []));
            }
            else
            {
                return (null, $"'{part}' is not a label requirement (key=value, key!=value, key in (a,b), key notin (a,b), key or !key).");
            }
        }

        var entries = new List<(string, PlainNode)>();
        if (labels.Count > 0)
        {
            entries.Add(("matchLabels", new PlainMap(labels)));
        }

        if (expressions.Count > 0)
        {
            entries.Add(("matchExpressions", new PlainSeq(expressions)));
        }

        return (new PlainMap(entries), null);
    }

    private static PlainMap Expression(string key, string op, string[] values)
    {
        var entries = new List<(string, PlainNode)> { ("key", new PlainScalar(key, IsString: true)), ("operator", new PlainScalar(op, IsString: true)) };
        if (values.Length > 0)
        {
            entries.Add(("values", new PlainSeq(values.Select(v => (PlainNode)new PlainScalar(v, IsString: true)).ToList())));
        }

        return new PlainMap(entries);
    }

    private static List<string> SplitOutsideParentheses(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(': depth++; break;
                case ')': depth--; break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(text[start..]);
        return parts.Where(p => p.Trim().Length > 0).ToList();
    }

    private const string Key = @"(?<key>([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)";

    [GeneratedRegex("^" + Key + @"\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SetRequirement();

    [GeneratedRegex("^" + Key + @"\s*(?<op>==|=|!=)\s*(?<value>([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Equality();

    [GeneratedRegex(@"^(?<not>!)?\s*" + Key + "$", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Existence();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Value();
}
