namespace Handoff.Analysis.Dockerfiles;

/// <summary>What keeps SIGTERM from reaching the app.</summary>
public enum Pid1Issue
{
    /// <summary>A shell is PID 1 (shell form, or 'sh -c' without exec) and does not pass SIGTERM on (HO401).</summary>
    ShellWithoutExec,

    /// <summary>npm, yarn or pnpm runs the app (HO402).</summary>
    PackageManager,

    /// <summary>An entrypoint script runs the app without exec (HO403).</summary>
    ScriptWithoutExec,
}

/// <summary>One PID 1 problem.</summary>
/// <param name="Issue">Which problem.</param>
/// <param name="Subject">What runs: the shell text, the package script, or the script path.</param>
/// <param name="Detail">The offending command (for scripts: with its line), for messages.</param>
public sealed record Pid1Problem(Pid1Issue Issue, string Subject, string Detail)
{
    /// <summary>The script the command was found in, when it was read from the build context.</summary>
    public string? Script { get; init; }

    /// <summary>The command's line in <see cref="Script"/>.</summary>
    public int? Line { get; init; }
}

/// <summary>A script read from the build context.</summary>
/// <param name="DisplayPath">Its path for messages.</param>
/// <param name="Text">Its text.</param>
public sealed record ScriptText(string DisplayPath, string Text);

/// <summary>Finds PID 1 problems in a command line (exec form or container command) or a shell-form text.</summary>
public static class Pid1Analysis
{
    /// <summary>Problems of a process started as <paramref name="argv"/>.</summary>
    /// <param name="argv">The command line.</param>
    /// <param name="readScript">Reads a script by the path the command names; null when it cannot be read.</param>
    public static IReadOnlyList<Pid1Problem> OfArgv(IReadOnlyList<string> argv, Func<string, ScriptText?>? readScript = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var problems = new List<Pid1Problem>();
        var args = SkipInit(argv);
        if (args is null || args.Count == 0)
        {
            return problems;
        }

        if (Pid1.ShellScript(args) is { } script)
        {
            problems.AddRange(OfShellText(script));
            return problems;
        }

        if (Pid1.PackageManagerStart(args) is { } start)
        {
            problems.Add(new Pid1Problem(Pid1Issue.PackageManager, start, string.Join(' ', args)));
            return problems;
        }

        var file = Pid1.LooksLikeScript(args[0]) ? args[0] : Pid1.ShellScriptFile(args);
        if (file is not null && readScript?.Invoke(file) is { } text)
        {
            var last = Pid1.LastCommand(text.Text);
            if (last is not null && !last.IsExec && !Pid1.ForwardsSignals(text.Text))
            {
                problems.Add(new Pid1Problem(Pid1Issue.ScriptWithoutExec, text.DisplayPath, last.Text) { Script = text.DisplayPath, Line = last.Line });
            }

            if (last is not null && Pid1.PackageManagerStart(last.Words) is { } scriptStart)
            {
                problems.Add(new Pid1Problem(Pid1Issue.PackageManager, scriptStart, last.Text) { Script = text.DisplayPath, Line = last.Line });
            }
        }

        return problems;
    }

    /// <summary>
    /// Whether the process started as <paramref name="argv"/> hands its trailing arguments (Docker's CMD) on as the
    /// next process: an init such as tini with nothing after '--', or an entrypoint script ending with "$@".
    /// </summary>
    public static bool PassesArguments(IReadOnlyList<string> argv, Func<string, ScriptText?>? readScript = null)
    {
        ArgumentNullException.ThrowIfNull(argv);
        var args = SkipInit(argv);
        if (args is null)
        {
            return false; // dumb-init signals the whole group: whatever CMD starts gets SIGTERM.
        }

        if (args.Count == 0)
        {
            return argv.Count > 0;
        }

        var file = Pid1.LooksLikeScript(args[0]) ? args[0] : Pid1.ShellScriptFile(args);
        return file is not null && readScript?.Invoke(file) is { } text
            && Pid1.LastCommand(text.Text) is { } last && last.Text.Contains("$@", StringComparison.Ordinal);
    }

    /// <summary>Problems of a shell form ("CMD node server.js", or the script of 'sh -c').</summary>
    public static IReadOnlyList<Pid1Problem> OfShellText(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var problems = new List<Pid1Problem>();
        var last = Pid1.LastCommand(script);
        if (last is null)
        {
            return problems;
        }

        if (!last.IsExec && !Pid1.ForwardsSignals(script))
        {
            problems.Add(new Pid1Problem(Pid1Issue.ShellWithoutExec, script, last.Text));
        }

        if (Pid1.PackageManagerStart(last.Words) is { } start)
        {
            problems.Add(new Pid1Problem(Pid1Issue.PackageManager, start, last.Text));
        }

        return problems;
    }

    /// <summary>The exec form a shell text would become, as a JSON array ("[\"node\", \"server.js\"]").</summary>
    public static string ToExecForm(string command)
    {
        var words = Pid1.SplitWords(command).SkipWhile(w => w == "exec").ToList();

        // JSON string quoting by hand: a serializer would escape '&', '<' and quotes as \uXXXX, unreadable in a message.
        static string Quote(string w) => "\"" + w.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
        return "[" + string.Join(", ", words.Select(Quote)) + "]";
    }

    private static List<string>? SkipInit(IReadOnlyList<string> argv)
    {
        var args = argv.ToList();
        while (args.Count > 0 && Pid1.IsInit(args[0]))
        {
            // dumb-init signals the whole process group by default, so whatever it starts gets SIGTERM.
            if (Pid1.BaseName(args[0]) == "dumb-init" && !args.Contains("--single-child"))
            {
                return null;
            }

            var rest = args.Skip(1).ToList();
            var dashes = rest.IndexOf("--");
            args = dashes >= 0 ? rest.Skip(dashes + 1).ToList() : rest.SkipWhile(a => a.StartsWith('-')).ToList();
        }

        return args;
    }
}
