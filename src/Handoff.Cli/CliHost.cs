using System.CommandLine;
using System.CommandLine.Parsing;

namespace Handoff.Cli;

/// <summary>Runs the command line: exit codes, Ctrl+C, and no stack trace for a user's mistake.</summary>
internal static class CliHost
{
    /// <summary>Exit code for a clean or passed run.</summary>
    public const int Ok = 0;

    /// <summary>Exit code for findings at or above --fail-on, or failed requests in lab/verify.</summary>
    public const int Findings = 1;

    /// <summary>Exit code for usage errors or unreadable input.</summary>
    public const int UsageOrInput = 2;

    /// <summary>Exit code for a bug in Handoff (BSD sysexits EX_SOFTWARE); outside the 0/1/2 contract on purpose.</summary>
    public const int InternalError = 70;

    /// <summary>
    /// Tokens that look like options but match none, whether System.CommandLine left them unmatched or bound them to a
    /// command's path argument (it does: 'check --fromat json .' reads '--fromat' as a path). "-" (standard input) and
    /// anything after "--" are paths.
    /// </summary>
    internal static List<string> UnknownOptions(ParseResult parse)
    {
        var afterDoubleDash = false;
        var argumentTokens = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var result in parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>())
        {
            foreach (var token in result.Tokens)
            {
                argumentTokens.Add(token);
            }
        }

        var unknown = new List<string>();
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
            {
                afterDoubleDash = true;
                continue;
            }

            if (afterDoubleDash || token.Value.Length < 2 || token.Value[0] != '-')
            {
                continue;
            }

            if (argumentTokens.Contains(token) || parse.UnmatchedTokens.Contains(token.Value, StringComparer.Ordinal))
            {
                unknown.Add(token.Value);
            }
        }

        return unknown;
    }

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        var unknown = UnknownOptions(parse);
        if (unknown.Count > 0)
        {
            foreach (var option in unknown)
            {
                await Console.Error.WriteLineAsync($"handoff: unknown option '{option}' for '{parse.CommandResult.Command.Name}'.");
            }

            await Console.Error.WriteLineAsync($"Run 'handoff {parse.CommandResult.Command.Name} --help' for its options; a path that starts with '-' can be given as './{unknown[0]}' or after '--'.");
            return UsageOrInput;
        }

        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"handoff: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Run '{CliName.Display} --help' for usage.");
            return UsageOrInput;
        }

        // Help and --version go to the configuration's Output; as the kubectl plugin, its usage lines are rewritten
        // to 'kubectl handoff', the name a user types. Commands write to the console themselves, unbuffered.
        using var help = CliName.Display == CliName.Executable ? null : new StringWriter();
        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (help is not null)
            {
                configuration.Output = help;
            }

            return await parse.InvokeAsync(configuration);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("handoff: cancelled.");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("HANDOFF_DEBUG") is not "1")
        {
            // A user's input never gets here (it becomes an error record); an exception is a bug in Handoff.
            await Console.Error.WriteLineAsync(
                $"handoff: internal error ({e.GetType().Name}: {e.Message}). This is a bug in Handoff: please report it with the input that caused it; set HANDOFF_DEBUG=1 to see the stack trace.");
            return InternalError;
        }
        finally
        {
            if (help is not null)
            {
                await Console.Out.WriteAsync(CliName.InUsage(help.ToString()));
            }
        }
    }
}
