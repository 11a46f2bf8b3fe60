using Handoff.Analysis.Dockerfiles;

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

        var program = Pid1.BaseName(command[0]);
        if (program == "busybox" && command.Count > 1)
        {
            return Read(command.Skip(1).ToList(), env);
        }

        if (!Pid1.IsShell(program))
        {
            return ReadSimple(null, command, env);
        }

        // The script's commands are split the way the Dockerfile rules split entrypoint scripts (one reading of shell).
        if (Pid1.ShellScript(command) is not { } script)
        {
            return new ExecCommand(program, 0, [string.Join(' ', command)], false);
        }

        double sleep = 0;
        var others = new List<string>();
        foreach (var line in Pid1.Commands(script))
        {
            var words = line.Words;
            if (words.Count == 0)
            {
                continue;
            }

            if (LoopWords.Contains(words[0]))
            {
                // What a loop waits for decides how long the hook runs; sleeps after it cannot be placed either.
                return new ExecCommand(program, sleep, others, true);
            }

            var part = ReadSimple(program, words, env);
            sleep += part.SleepSeconds;
            others.AddRange(part.OtherCommands);
        }

        return new ExecCommand(program, sleep, others, false);
    }

    private static ExecCommand ReadSimple(string? shell, IReadOnlyList<string> words, IReadOnlyDictionary<string, string>? env)
    {
        var program = Pid1.BaseName(words[0]);
        if (program == "sleep")
        {
            var seconds = Durations.ParseSleepArguments(words.Skip(1).Select(w => Expand(w, env)).ToList());
            return seconds is { } s ? new ExecCommand(shell, s, [], false) : new ExecCommand(shell, 0, [string.Join(' ', words)], false);
        }

        return IsQuick(words) ? new ExecCommand(shell, 0, [], false) : new ExecCommand(shell, 0, [string.Join(' ', words)], false);
    }

    private static bool IsQuick(IReadOnlyList<string> words)
    {
        var program = Pid1.BaseName(words[0]);
        return Quick.Contains(program)

            // 'nginx -s quit|stop|reload' signals the master process and returns; the master then drains on its own.
            || (program == "nginx" && words.Contains("-s", StringComparer.Ordinal))

            // killall returns at once unless told to wait (-w, --wait).
            || (program == "killall" && !words.Any(w => w is "-w" or "--wait"));
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
