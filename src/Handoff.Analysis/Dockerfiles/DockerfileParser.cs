using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Handoff.Analysis.Input;

namespace Handoff.Analysis.Dockerfiles;

/// <summary>
/// Reads the Dockerfile instructions that decide what runs as PID 1: stages, CMD, ENTRYPOINT, SHELL, STOPSIGNAL,
/// COPY and ADD, with line continuations, comments, the escape directive, exec and shell forms, and heredocs
/// (skipped over, bodies kept). It follows the rules of the Dockerfile reference
/// (https://docs.docker.com/reference/dockerfile/), tolerating what BuildKit tolerates.
/// </summary>
public static partial class DockerfileParser
{
    private static readonly ConditionalWeakTable<SourceFile, DockerfileDocument> Cache = [];

    /// <summary>Parses a Dockerfile once per <see cref="SourceFile"/> (rules share the result).</summary>
    public static DockerfileDocument Parse(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Cache.GetValue(file, static f => ParseText(f));
    }

    /// <summary>Parses the text of <paramref name="file"/> without caching.</summary>
    public static DockerfileDocument ParseText(SourceFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var lines = SplitLines(file.Text);
        var errors = new List<InputError>();
        var escape = ReadEscapeDirective(lines);
        var instructions = ReadInstructions(file, lines, escape, errors);
        return new DockerfileDocument(file, BuildStages(file, instructions, errors), errors);
    }

    private static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i > start && text[i - 1] == '\r' ? i - 1 : i)]);
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }

        return lines;
    }

    private static char ReadEscapeDirective(List<string> lines)
    {
        // Parser directives are '# key=value' lines at the very top; the first other line ends them.
        foreach (var line in lines)
        {
            var match = DirectivePattern().Match(line);
            if (!match.Success)
            {
                break;
            }

            if (match.Groups["key"].Value.Equals("escape", StringComparison.OrdinalIgnoreCase) && match.Groups["value"].Value is "`" or "\\")
            {
                return match.Groups["value"].Value[0];
            }
        }

        return '\\';
    }

    private static List<DockerInstruction> ReadInstructions(SourceFile file, List<string> lines, char escape, List<InputError> errors)
    {
        var result = new List<DockerInstruction>();
        var i = 0;
        while (i < lines.Count)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                i++;
                continue;
            }

            var startLine = i + 1;
            var column = line.Length - trimmed.Length + 1;
            var text = new StringBuilder();
            var current = trimmed;
            while (true)
            {
                var end = current.TrimEnd();
                if (end.Length > 0 && end[^1] == escape && i + 1 < lines.Count)
                {
                    text.Append(end, 0, end.Length - 1);
                    i++;

                    // Comment lines and empty lines inside a continuation are dropped, as BuildKit does.
                    while (i < lines.Count && lines[i].TrimStart() is { } next && (next.Length == 0 || next[0] == '#'))
                    {
                        i++;
                    }

                    if (i >= lines.Count)
                    {
                        break;
                    }

                    text.Append(' ');
                    current = lines[i].TrimStart();
                    continue;
                }

                text.Append(end);
                i++;
                break;
            }

            var joined = text.ToString();
            var split = joined.IndexOfAny([' ', '\t']);
            var keyword = (split < 0 ? joined : joined[..split]).ToUpperInvariant();
            var arguments = split < 0 ? string.Empty : joined[(split + 1)..].Trim();
            var heredocs = new List<string>();

            // BuildKit reads heredocs in RUN, COPY and ADD only.
            var heredocMatches = keyword is "RUN" or "COPY" or "ADD" ? HeredocPattern().Matches(arguments) : null;
            foreach (Match h in heredocMatches ?? (IEnumerable<Match>)[])
            {
                var word = h.Groups["word"].Value;
                var stripTabs = h.Groups["dash"].Success;
                var body = new StringBuilder();
                var closed = false;
                while (i < lines.Count)
                {
                    var bodyLine = stripTabs ? lines[i].TrimStart('\t') : lines[i];
                    i++;
                    if (bodyLine == word)
                    {
                        closed = true;
                        break;
                    }

                    body.Append(bodyLine).Append('\n');
                }

                if (!closed)
                {
                    errors.Add(new InputError(file.DisplayName, startLine, column, $"The heredoc '{word}' opened by {keyword} is never closed; the rest of the file is read as its body."));
                }

                heredocs.Add(body.ToString());
            }

            result.Add(new DockerInstruction(keyword, arguments, startLine, column, heredocs.Count == 0 ? ExecForm(arguments) : null, heredocs));
        }

        return result;
    }

    /// <summary>Reads a JSON array of strings; null when the text is not one (Docker then uses the shell form).</summary>
    internal static List<string>? ExecForm(string arguments)
    {
        var text = arguments.Trim();
        if (text.Length < 2 || text[0] != '[' || text[^1] != ']')
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var items = new List<string>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                items.Add(item.GetString()!);
            }

            return items;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<DockerStage> BuildStages(SourceFile file, List<DockerInstruction> instructions, List<InputError> errors)
    {
        var stages = new List<DockerStage>();
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        DockerInstruction? from = null;
        string image = string.Empty;
        string? name = null;
        var body = new List<DockerInstruction>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                if (from is not null)
                {
                    stages.Add(new DockerStage(stages.Count, image, name, from, body));
                }

                from = instruction;
                (image, name) = ReadFrom(instruction.Arguments, globalArgs);
                body = [];
                continue;
            }

            if (from is null)
            {
                if (instruction.Keyword == "ARG")
                {
                    foreach (var (key, value) in ReadArgs(instruction.Arguments))
                    {
                        globalArgs[key] = value;
                    }
                }
                else
                {
                    errors.Add(new InputError(file.DisplayName, instruction.Line, instruction.Column, $"{instruction.Keyword} comes before the first FROM; only ARG may."));
                }

                continue;
            }

            body.Add(instruction);
        }

        if (from is not null)
        {
            stages.Add(new DockerStage(stages.Count, image, name, from, body));
        }
        else if (instructions.Count > 0)
        {
            errors.Add(new InputError(file.DisplayName, 1, 1, "The Dockerfile has no FROM instruction."));
        }

        return stages;
    }

    private static (string Image, string? Name) ReadFrom(string arguments, Dictionary<string, string> args)
    {
        var words = arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        var image = words.Count > 0 ? Substitute(words[0], args) : string.Empty;
        string? name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
        return (image, name);
    }

    private static IEnumerable<KeyValuePair<string, string>> ReadArgs(string arguments)
    {
        foreach (var word in arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                yield return new(word[..eq], word[(eq + 1)..].Trim('"', '\''));
            }
        }
    }

    /// <summary>Replaces $NAME, ${NAME} and ${NAME:-default} with global ARG defaults (unknown names stay as written).</summary>
    internal static string Substitute(string text, IReadOnlyDictionary<string, string> args) =>
        VariablePattern().Replace(text, m =>
        {
            var key = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            if (args.TryGetValue(key, out var value) && value.Length > 0)
            {
                return value;
            }

            return m.Groups["default"].Success ? m.Groups["default"].Value : m.Value;
        });

    [GeneratedRegex(@"^#\s*(?<key>[A-Za-z]+)\s*=\s*(?<value>\S+)\s*$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex DirectivePattern();

    [GeneratedRegex(@"<<(?<dash>-)?(?<q>[""']?)(?<word>[A-Za-z_][A-Za-z0-9_]*)\k<q>", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HeredocPattern();

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?::-(?<default>[^}]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex VariablePattern();
}
