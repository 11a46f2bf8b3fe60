using System.Text.RegularExpressions;

namespace Handoff.Analysis.Dockerfiles;

/// <summary>A command of a shell script: its text and its 1-based line in the script.</summary>
/// <param name="Text">The command as written (one simple command or pipeline).</param>
/// <param name="Line">The line it starts on.</param>
public sealed record ShellCommand(string Text, int Line)
{
    /// <summary>Whether the command replaces the shell ('exec app ...'), so the app becomes the shell's PID.</summary>
    public bool IsExec => FirstWord(Text) == "exec";

    /// <summary>The command's words after 'exec' and leading VAR=value assignments.</summary>
    public IReadOnlyList<string> Words
    {
        get
        {
            var words = Pid1.SplitWords(Text).SkipWhile(w => w == "exec" || Pid1.IsAssignment(w)).ToList();
            return words;
        }
    }

    private static string FirstWord(string text) => Pid1.SplitWords(text) is { Count: > 0 } words ? words[0] : string.Empty;
}

/// <summary>
/// Recognises the mistakes that keep SIGTERM from reaching the app: a shell as PID 1 that does not exec, a package
/// manager as PID 1, an entrypoint script whose last command is not exec'd. Shared by the Dockerfile rules and
/// the container command checks.
/// </summary>
public static partial class Pid1
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh" };

    private static readonly HashSet<string> Inits = new(StringComparer.Ordinal) { "tini", "tini-static", "dumb-init", "catatonit", "s6-svscan", "init", "docker-init" };

    private static readonly HashSet<string> ScriptClosers = new(StringComparer.Ordinal) { "fi", "done", "esac", "}", ";;", "else", "then", "do", ")" };

    /// <summary>Whether <paramref name="program"/> (a path or a name) is a POSIX shell.</summary>
    public static bool IsShell(string program) => Shells.Contains(BaseName(program));

    /// <summary>Whether <paramref name="program"/> is an init that forwards signals (tini, dumb-init...).</summary>
    public static bool IsInit(string program) => Inits.Contains(BaseName(program));

    /// <summary>
    /// The script a shell runs when invoked as ["sh", "-c", script, ...] (flags such as -e may precede or combine
    /// with c: "-ec"); null when <paramref name="argv"/> is not such an invocation.
    /// </summary>
    public static string? ShellScript(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count < 3 || !IsShell(argv[0]))
        {
            return null;
        }

        for (var i = 1; i < argv.Count - 1; i++)
        {
            var word = argv[i];
            if (!word.StartsWith('-') || word.StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            if (word.Contains('c', StringComparison.Ordinal))
            {
                return argv[i + 1];
            }
        }

        return null;
    }

    /// <summary>The script file a shell runs when invoked as ["sh", "script.sh", ...], or null.</summary>
    public static string? ShellScriptFile(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count < 2 || !IsShell(argv[0]))
        {
            return null;
        }

        var first = argv.Skip(1).FirstOrDefault(w => !w.StartsWith('-'));
        return first is not null && ShellScript(argv) is null ? first : null;
    }

    /// <summary>Whether <paramref name="program"/> looks like a script: a name ending in .sh, or a path to one.</summary>
    public static bool LooksLikeScript(string program) => program.EndsWith(".sh", StringComparison.Ordinal) || program.EndsWith(".bash", StringComparison.Ordinal);

    /// <summary>
    /// The package manager and script when <paramref name="words"/> start a package script ("npm start",
    /// "npm run serve", "yarn start", "pnpm run start"); null otherwise. npm, yarn and pnpm run the script in a
    /// child shell, so the app is not PID 1 and SIGTERM is not forwarded reliably (nodejs/docker-node best practices).
    /// </summary>
    public static string? PackageManagerStart(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count < 2)
        {
            return null;
        }

        var manager = BaseName(words[0]);
        if (manager is not ("npm" or "yarn" or "pnpm" or "bun"))
        {
            return null;
        }

        var verb = words[1];
        return verb switch
        {
            "start" or "run" or "run-script" or "dev" or "serve" => $"{manager} {string.Join(' ', words.Skip(1).Take(verb is "run" or "run-script" ? 2 : 1))}",
            _ when manager is "yarn" or "pnpm" && !verb.StartsWith('-') && verb is not ("node" or "install" or "add" or "build") => $"{manager} {verb}",
            _ => null,
        };
    }

    /// <summary>
    /// The commands of a shell script in order, with comments, blank lines and block closers (fi, done, esac, })
    /// dropped and line continuations joined; one-liners are split on ';', '&amp;&amp;' and '||'.
    /// </summary>
    public static IReadOnlyList<ShellCommand> Commands(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var result = new List<ShellCommand>();
        var lines = script.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var startLine = i + 1;
            var line = lines[i];
            while (line.TrimEnd().EndsWith('\\') && i + 1 < lines.Length)
            {
                line = line.TrimEnd()[..^1] + " " + lines[++i];
            }

            var text = StripComment(line).Trim();
            if (text.Length == 0 || text.StartsWith("#!", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var part in SeparatorPattern().Split(text))
            {
                var command = part.Trim();
                while (FirstWordOf(command) is { } first && ScriptClosers.Contains(first))
                {
                    command = command[(command.IndexOf(first, StringComparison.Ordinal) + first.Length)..].Trim();
                }

                if (command.Length > 0 && !ScriptClosers.Contains(command))
                {
                    result.Add(new ShellCommand(command, startLine));
                }
            }
        }

        return result;
    }

    /// <summary>The last command of a script (the one that becomes the long-running process), or null.</summary>
    public static ShellCommand? LastCommand(string script)
    {
        var commands = Commands(script);
        for (var i = commands.Count - 1; i >= 0; i--)
        {
            // 'exit' and 'wait' at the end do not start the app; the command before them does.
            if (FirstWordOf(commands[i].Text) is "exit" or "wait")
            {
                continue;
            }

            return commands[i];
        }

        return null;
    }

    /// <summary>
    /// Whether a script forwards SIGTERM itself: a 'trap' on TERM (or 15) and a 'wait' on the child, the pattern
    /// that makes a shell PID 1 safe without exec.
    /// </summary>
    public static bool ForwardsSignals(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return TrapTermPattern().IsMatch(script) && WaitPattern().IsMatch(script);
    }

    /// <summary>Splits a command into words, honouring single and double quotes (no expansion).</summary>
    public static IReadOnlyList<string> SplitWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }

                continue;
            }

            current.Append(c);
            inWord = true;
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    private static string? FirstWordOf(string command) => SplitWords(command) is { Count: > 0 } words ? words[0] : null;

    /// <summary>Whether a word is a VAR=value assignment that prefixes a command.</summary>
    public static bool IsAssignment(string word) => AssignmentPattern().IsMatch(word);

    /// <summary>"node" for "/usr/local/bin/node".</summary>
    public static string BaseName(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var slash = program.LastIndexOf('/');
        return slash >= 0 ? program[(slash + 1)..] : program;
    }

    private static string StripComment(string line)
    {
        // A '#' starts a comment at the start of a word, outside quotes.
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }

    [GeneratedRegex(@"\s*(?:;|&&|\|\|)\s*", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SeparatorPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*=", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AssignmentPattern();

    [GeneratedRegex(@"\btrap\b[^\n]*\b(?:TERM|SIGTERM|15)\b", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TrapTermPattern();

    [GeneratedRegex(@"(?:^|[\s;&|])wait\b", RegexOptions.Multiline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex WaitPattern();
}
