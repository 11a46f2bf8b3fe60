using System.Text;
using System.Text.RegularExpressions;

namespace Handoff.Analysis.Input;

/// <summary>An --exclude pattern, matched against a path relative to the directory the user gave.</summary>
/// <remarks>
/// <para>
/// Semantics (docs/input.md): paths use '/' whatever the platform; '*' matches within one path segment, '**' any number
/// of segments, '?' one character, '[abc]' one of a set. A pattern without '/' matches a file or folder name at any depth
/// ('charts', '*.tpl.yaml'), like a .gitignore line; a pattern with '/' matches from the given directory
/// ('overlays/dev', 'base/**/secret-*.yaml'); a trailing '/' matches folders only. A folder that matches is skipped with
/// everything under it. A file named on the command line is matched by its path as given.
/// </para>
/// </remarks>
public sealed partial class PathGlob
{
    private readonly Regex _regex;
    private readonly bool _anyDepth;
    private readonly bool _foldersOnly;

    private PathGlob(string pattern, Regex regex, bool anyDepth, bool foldersOnly)
    {
        Pattern = pattern;
        _regex = regex;
        _anyDepth = anyDepth;
        _foldersOnly = foldersOnly;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>Makes a glob, or returns null with a reason when the pattern cannot match anything.</summary>
    public static PathGlob? TryCreate(string pattern, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        problem = null;
        var text = pattern.Replace('\\', '/');
        if (text.StartsWith("./", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        var foldersOnly = text.EndsWith('/');
        text = text.TrimEnd('/');
        if (text.Length == 0)
        {
            problem = $"--exclude '{pattern}' is empty.";
            return null;
        }

        var anyDepth = !text.Contains('/', StringComparison.Ordinal);
        var regex = new StringBuilder("^");
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '*' when i + 1 < text.Length && text[i + 1] == '*':
                    // "**/" matches zero or more whole segments; a trailing "**" matches everything below.
                    i++;
                    if (i + 1 < text.Length && text[i + 1] == '/')
                    {
                        i++;
                        regex.Append("(?:[^/]+/)*");
                    }
                    else
                    {
                        regex.Append(".*");
                    }

                    break;
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = text.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        problem = $"--exclude '{pattern}' opens '[' without closing it.";
                        return null;
                    }

                    var set = text[(i + 1)..close];
                    regex.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        regex.Append('$');
        return new PathGlob(pattern, new Regex(regex.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), anyDepth, foldersOnly);
    }

    /// <summary>Whether a relative path ('/'-separated) is excluded; <paramref name="isFolder"/> says what it names.</summary>
    public bool Matches(string relativePath, bool isFolder)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        if (_foldersOnly && !isFolder)
        {
            return false;
        }

        var path = relativePath.Replace('\\', '/').TrimStart('/');
        if (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        if (!_anyDepth)
        {
            return _regex.IsMatch(path);
        }

        var slash = path.LastIndexOf('/');
        return _regex.IsMatch(slash < 0 ? path : path[(slash + 1)..]);
    }

    /// <inheritdoc/>
    public override string ToString() => Pattern;
}
