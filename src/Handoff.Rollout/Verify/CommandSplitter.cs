using System.Text;
using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Verify;

/// <summary>Splits a --trigger command line into arguments without a shell.</summary>
/// <remarks>
/// Rules, a small subset of POSIX shell quoting: whitespace separates words; '...' keeps everything literally;
/// "..." keeps whitespace and takes \" and \\ as escapes; a backslash outside quotes escapes the next character.
/// Nothing else is special: no variables, globs, pipes or redirections. Wrap the command in
/// <c>sh -c '...'</c> yourself if you need those.
/// </remarks>
public static class CommandSplitter
{
    /// <summary>Splits <paramref name="commandLine"/>; null with a reason when quoting is unbalanced or it is empty.</summary>
    public static IReadOnlyList<string>? TrySplit(string commandLine, out string? error)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        error = $"The command has an unclosed ' at column {i + 1}.";
                        return null;
                    }

                    current.Append(commandLine, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    var j = i + 1;
                    for (; j < commandLine.Length && commandLine[j] != '"'; j++)
                    {
                        if (commandLine[j] == '\\' && j + 1 < commandLine.Length && commandLine[j + 1] is '"' or '\\')
                        {
                            j++;
                        }

                        current.Append(commandLine[j]);
                    }

                    if (j >= commandLine.Length)
                    {
                        error = $"The command has an unclosed \" at column {i + 1}.";
                        return null;
                    }

                    inWord = true;
                    i = j;
                    break;
                case '\\' when i + 1 < commandLine.Length:
                    current.Append(commandLine[++i]);
                    inWord = true;
                    break;
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }

                    break;
                default:
                    current.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        if (words.Count == 0)
        {
            error = "The command is empty.";
            return null;
        }

        error = null;
        return words;
    }
}
