namespace Handoff.Analysis.Kubernetes;

/// <summary>What an exec hook's command does, as far as its duration goes.</summary>
/// <param name="Shell">The shell that runs the script ("sh", "bash"...), or null when the command runs a program directly.</param>
/// <param name="SleepSeconds">The seconds spent in foreground <c>sleep</c> commands outside loops (0 when none).</param>
/// <param name="OtherCommands">
/// Programs that do work of unknown length ("nodetool drain", "/scripts/failover.sh"); quick ones such as
/// <c>nginx -s quit</c>, <c>kill</c> or <c>echo</c> are not listed.
/// </param>
/// <param name="HasLoop">Whether the script loops (while, until, for): its length depends on what it waits for.</param>
public sealed record ExecCommand(string? Shell, double SleepSeconds, IReadOnlyList<string> OtherCommands, bool HasLoop)
{
    // Commands that return at once: signalling a process, printing, touching a file. Anything else may take time.
    private static readonly HashSet<string> Quick = new(StringComparer.Ordinal)
    {
        "echo", "printf", "true", "false", ":", "touch", "rm", "kill", "pkill", "date", "logger", "sync", "exit", "set", "export", "trap",
    };

    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "ash", "dash", "zsh", "ksh" };

    private static readonly HashSet<string> LoopWords = new(StringComparer.Ordinal) { "while", "until", "for" };

    /// <summary>Whether the hook's length is known exactly: only sleeps and quick commands, no loop.</summary>
    public bool IsExact => OtherCommands.Count == 0 && !HasLoop;

    /// <summary>Whether the command runs a shell (which a shell-less image does not have).</summary>
    public bool UsesShell => Shell is not null;

    /// <summary>Whether the command sleeps at all (outside loops).</summary>
    public bool Sleeps => SleepSeconds > 0;

    /// <summary>Reads an exec command such as ["sleep","10"] or ["/bin/sh","-c","sleep 5 &amp;&amp; nginx -s quit"].</summary>
    /// <param name="command">exec.command.</param>
    /// <param name="env">The container's literal env values, to resolve "$VAR" and "${VAR:-default}" in a script.</param>
    public static ExecCommand Read(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? env = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0)
        {
            return new ExecCommand(null, 0, [], false);
        }

        var program = Path.GetFileName(command[0]);
        if (program == "busybox" && command.Count > 1)
        {
            return Read(command.Skip(1).ToList(), env);
        }

        if (Shells.Contains(program))
        {
            // sh -c 'script', also with combined flags such as -ec or -xc.
            for (var i = 1; i < command.Count - 1; i++)
            {
                if (command[i].StartsWith('-') && command[i].Contains('c', StringComparison.Ordinal))
                {
                    return ReadScript(program, command[i + 1], env);
                }
            }

            return new ExecCommand(program, 0, [string.Join(' ', command)], false);
        }

        return ReadSimple(null, command, env);
    }

    private static ExecCommand ReadSimple(string? shell, IReadOnlyList<string> words, IReadOnlyDictionary<string, string>? env)
    {
        var program = Path.GetFileName(words[0]);
        if (program == "sleep")
        {
            var seconds = Durations.ParseSleepArguments(words.Skip(1).Select(w => Expand(w, env)).ToList());
            return seconds is { } s ? new ExecCommand(shell, s, [], false) : new ExecCommand(shell, 0, [string.Join(' ', words)], false);
        }

        return IsQuick(words) ? new ExecCommand(shell, 0, [], false) : new ExecCommand(shell, 0, [string.Join(' ', words)], false);
    }

    private static bool IsQuick(IReadOnlyList<string> words)
    {
        var program = Path.GetFileName(words[0]);
        return Quick.Contains(program)

            // 'nginx -s quit|stop|reload' signals the master process and returns; the master then drains on its own.
            || (program == "nginx" && words.Contains("-s", StringComparer.Ordinal))

            // killall returns at once unless told to wait (-w, --wait).
            || (program == "killall" && !words.Any(w => w is "-w" or "--wait"));
    }

    private static ExecCommand ReadScript(string shell, string script, IReadOnlyDictionary<string, string>? env)
    {
        double sleep = 0;
        var others = new List<string>();
        var loopDepth = 0;
        var hasLoop = false;
        foreach (var (words, background) in SimpleCommands(script))
        {
            if (words.Count == 0)
            {
                continue;
            }

            var first = words[0];
            if (LoopWords.Contains(first))
            {
                hasLoop = true;
                loopDepth++;
                continue;
            }

            if (first == "done")
            {
                loopDepth = Math.Max(0, loopDepth - 1);
                continue;
            }

            if (loopDepth > 0 || background || first is "do" or "if" or "then" or "else" or "fi" or "{" or "}")
            {
                // Inside a loop the number of rounds is unknown; a backgrounded command does not delay the hook.
                var inner = first is "do" or "if" or "then" or "else" && words.Count > 1 ? words.Skip(1).ToList() : null;
                if (inner is not null && loopDepth == 0 && !background)
                {
                    Accumulate(ReadSimple(shell, inner, env), ref sleep, others);
                }

                continue;
            }

            var command = first == "exec" && words.Count > 1 ? words.Skip(1).ToList() : words;
            Accumulate(ReadSimple(shell, command, env), ref sleep, others);
        }

        return new ExecCommand(shell, sleep, others, hasLoop);
    }

    private static void Accumulate(ExecCommand part, ref double sleep, List<string> others)
    {
        sleep += part.SleepSeconds;
        others.AddRange(part.OtherCommands);
    }

    /// <summary>Splits a shell script into simple commands at ';', '&amp;&amp;', '||', '|', '&amp;' and new lines, keeping quoted text whole.</summary>
    private static IEnumerable<(List<string> Words, bool Background)> SimpleCommands(string script)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quote = '\0';
        var inWord = false;
        for (var i = 0; i <= script.Length; i++)
        {
            var c = i < script.Length ? script[i] : '\n';
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
                continue;
            }

            if (c == '#' && !inWord)
            {
                // A comment runs to the end of the line.
                while (i + 1 < script.Length && script[i + 1] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (char.IsWhiteSpace(c) && c != '\n')
            {
                EndWord();
                continue;
            }

            if (c is ';' or '\n' or '|' or '&' or '(' or ')')
            {
                EndWord();
                var background = c == '&' && (i + 1 >= script.Length || script[i + 1] != '&') && (i == 0 || script[i - 1] != '&');
                if ((c is '&' or '|') && i + 1 < script.Length && script[i + 1] == c)
                {
                    i++;
                }

                yield return (words, background);
                words = [];
                continue;
            }

            word.Append(c);
            inWord = true;
        }

        void EndWord()
        {
            if (inWord)
            {
                words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
        }
    }

    /// <summary>Resolves "$NAME", "${NAME}" and "${NAME:-default}" from the container's env; unknown names stay as written.</summary>
    private static string Expand(string word, IReadOnlyDictionary<string, string>? env)
    {
        if (!word.StartsWith('$'))
        {
            return word;
        }

        var inner = word.StartsWith("${", StringComparison.Ordinal) && word.EndsWith('}') ? word[2..^1] : word[1..];
        var fallbackAt = inner.IndexOf(":-", StringComparison.Ordinal);
        var name = fallbackAt >= 0 ? inner[..fallbackAt] : inner;
        if (env is not null && env.TryGetValue(name, out var value))
        {
            return value;
        }

        return fallbackAt >= 0 ? inner[(fallbackAt + 2)..] : word;
    }
}
