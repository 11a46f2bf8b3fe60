using System.Globalization;
using System.Text.RegularExpressions;
using Handoff.Analysis.Input;

namespace Handoff.Analysis.Configuration;

/// <summary>What merging a measured propagation into a configuration file gave.</summary>
/// <param name="Text">The new text of the file, or null when it must not be written (see <paramref name="Errors"/>).</param>
/// <param name="Errors">Why the file cannot be written, each with file:line:column where known.</param>
/// <param name="Change">One sentence on what changed ("propagation: 25s -> 6s (.handoff.yaml:4)").</param>
public sealed record ConfigMerge(string? Text, IReadOnlyList<InputError> Errors, string Change);

/// <summary>
/// Writes a measured propagation into a .handoff.yaml: a careful line-based merge that touches only the
/// top-level <c>propagation</c> key (its scalar value, or the <c>default</c> of its mapping) and one comment line
/// above it, so the user's other keys, comments, order and line endings stay as they were.
/// </summary>
/// <remarks>
/// The file is read with <see cref="ConfigReader"/> before and after: a file with errors is not touched (its errors
/// are returned), and a merge whose result would not read back is refused. Flow mappings and anchors on the key are
/// refused with their position rather than rewritten.
/// </remarks>
public static partial class PropagationConfigWriter
{
    /// <summary>The start of the comment line the writer keeps above the key (replaced, not repeated, on the next write).</summary>
    public const string CommentPrefix = "# handoff --write-config:";

    /// <summary>Merges <paramref name="propagation"/> (a duration such as "6s") into <paramref name="existing"/> (null: a new file).</summary>
    /// <param name="path">The file's path, for messages.</param>
    /// <param name="existing">The file's text, or null when it does not exist.</param>
    /// <param name="propagation">The value to write.</param>
    /// <param name="note">What the value rests on, for the comment line ("measured by handoff lab, 2026-12-01: max 4.0 s + 1 s margin").</param>
    public static ConfigMerge Merge(string path, string? existing, string propagation, string note)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(propagation);
        ArgumentNullException.ThrowIfNull(note);
        var comment = $"{CommentPrefix} {note}";
        if (string.IsNullOrWhiteSpace(existing))
        {
            var created = $"# Written by handoff; see docs/config.md.\n{comment}\npropagation: {propagation}\n";
            return Checked(path, created, $"propagation: {propagation} (new file {path})");
        }

        var (_, before) = ConfigReader.Read(new SourceFile(path, existing, SourceKind.Manifest));
        if (before.Count > 0)
        {
            return new ConfigMerge(null, before, "not written: the file has errors");
        }

        var newline = existing.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = existing.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var endsWithNewline = existing.EndsWith('\n');
        if (endsWithNewline)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var at = lines.FindIndex(l => Key().Match(l) is { Success: true } m && m.Groups["key"].Value == "propagation");
        string change;
        if (at < 0)
        {
            lines.Add(comment);
            lines.Add($"propagation: {propagation}");
            change = $"propagation: {propagation} (added to {path})";
        }
        else
        {
            var (value, trailing) = SplitValue(lines[at][(lines[at].IndexOf(':', StringComparison.Ordinal) + 1)..]);
            if (value.Length > 0)
            {
                if (value[0] is '{' or '&' or '*' or '!' or '[')
                {
                    return Refused(path, at, "'propagation' is written as a flow mapping, an anchor or a tag; write it as 'propagation: 25s' or a block mapping so that --write-config can update it.");
                }

                lines[at] = $"propagation: {propagation}{trailing}";
                change = $"propagation: {value} -> {propagation} (in {path})";
            }
            else
            {
                change = MergeDefault(path, lines, at, propagation, out var refusal);
                if (refusal is not null)
                {
                    return refusal;
                }
            }

            // One comment line of ours directly above the key: replaced on the next write, never repeated.
            if (at > 0 && lines[at - 1].StartsWith(CommentPrefix, StringComparison.Ordinal))
            {
                lines[at - 1] = comment;
            }
            else
            {
                lines.Insert(at, comment);
            }
        }

        var merged = string.Join(newline, lines) + newline;
        return Checked(path, merged, change);
    }

    // propagation:\n  default: 25s\n  namespaces: ...: replace default's value, or add it as the first child.
    private static string MergeDefault(string path, List<string> lines, int at, string propagation, out ConfigMerge? refusal)
    {
        refusal = null;
        var children = new List<int>();
        for (var i = at + 1; i < lines.Count && (lines[i].Length == 0 || lines[i][0] is ' ' or '\t' or '#'); i++)
        {
            if (lines[i].TrimStart().Length > 0 && !lines[i].TrimStart().StartsWith('#'))
            {
                children.Add(i);
            }
        }

        if (children.Count == 0)
        {
            lines[at] = $"propagation: {propagation}";
            return $"propagation: (empty) -> {propagation} (in {path})";
        }

        var indent = lines[children[0]][..(lines[children[0]].Length - lines[children[0]].TrimStart().Length)];
        var own = children.FirstOrDefault(i => lines[i].StartsWith(indent, StringComparison.Ordinal) && !char.IsWhiteSpace(lines[i][indent.Length])
            && Key().Match(lines[i][indent.Length..]) is { Success: true } m && m.Groups["key"].Value == "default", -1);
        if (own < 0)
        {
            lines.Insert(at + 1, $"{indent}default: {propagation}");
            return $"propagation.default: {propagation} (added to {path})";
        }

        var (value, trailing) = SplitValue(lines[own][(lines[own].IndexOf(':', StringComparison.Ordinal) + 1)..]);
        if (value.Length == 0 || value[0] is '{' or '&' or '*' or '!' or '[')
        {
            refusal = Refused(path, own, "'propagation.default' is not a plain duration; write it as 'default: 25s' so that --write-config can update it.");
            return string.Empty;
        }

        lines[own] = $"{indent}default: {propagation}{trailing}";
        return $"propagation.default: {value} -> {propagation} (in {path})";
    }

    // " 25s   # ours" -> ("25s", "   # ours"); a '#' inside quotes is not a comment.
    private static (string Value, string Trailing) SplitValue(string afterColon)
    {
        char? quote = null;
        for (var i = 0; i < afterColon.Length; i++)
        {
            var ch = afterColon[i];
            if (quote is not null)
            {
                quote = ch == quote ? null : quote;
            }
            else if (ch is '"' or '\'')
            {
                quote = ch;
            }
            else if (ch == '#' && (i == 0 || char.IsWhiteSpace(afterColon[i - 1])))
            {
                var value = afterColon[..i].Trim();
                var spaces = afterColon[..i].Length - afterColon[..i].TrimEnd().Length;
                return (value, new string(' ', Math.Max(2, spaces)) + afterColon[i..].TrimEnd());
            }
        }

        return (afterColon.Trim(), string.Empty);
    }

    private static ConfigMerge Checked(string path, string text, string change)
    {
        var (_, errors) = ConfigReader.Read(new SourceFile(path, text, SourceKind.Manifest));
        return errors.Count == 0
            ? new ConfigMerge(text, [], change)
            : new ConfigMerge(null, [.. errors.Select(e => e with { Message = "after the merge (not written): " + e.Message })], "not written");
    }

    private static ConfigMerge Refused(string path, int line, string message) =>
        new(null, [new InputError(path, line + 1, 1, message)], "not written");

    /// <summary>A duration as the configuration file writes it: whole seconds ("6s").</summary>
    public static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(value.TotalSeconds):0}s");

    [GeneratedRegex(@"^(?<key>[A-Za-z_][A-Za-z0-9_]*)\s*:(\s|$)", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Key();
}
