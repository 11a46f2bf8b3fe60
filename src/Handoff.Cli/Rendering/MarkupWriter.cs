using System.Text;
using Spectre.Console;

namespace Handoff.Cli.Rendering;

/// <summary>Writes lines of Spectre.Console markup: styled on a terminal, plain text through a buffered writer otherwise.</summary>
/// <remarks>
/// Redirected output (CI logs, files, pipes) needs neither styles nor the width-aware layout Spectre.Console computes for
/// every segment, and Console.Out flushes each write: for 5,000 workloads that made the text report cost twice the
/// JSON one (docs/performance.md). Plain lines are the markup with its tags removed and its escapes undone.
/// </remarks>
internal sealed class MarkupWriter : IDisposable
{
    private const int BufferBytes = 64 * 1024;
    private readonly IAnsiConsole? _console;
    private readonly TextWriter? _plain;

    private MarkupWriter(IAnsiConsole? console, TextWriter? plain)
    {
        _console = console;
        _plain = plain;
    }

    /// <summary>Standard output: Spectre.Console on a terminal, a buffered UTF-8 writer when redirected.</summary>
    public static MarkupWriter Stdout() => Console.IsOutputRedirected
        ? new MarkupWriter(null, new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), BufferBytes))
        : new MarkupWriter(Terminal.Stdout(), null);

    /// <summary>Writes one line of markup.</summary>
    public void Line(string markup)
    {
        if (_console is not null)
        {
            _console.MarkupLine(markup);
        }
        else
        {
            WritePlain(markup, _plain!);
            _plain!.Write('\n');
        }
    }

    /// <summary>Writes an empty line.</summary>
    public void Line()
    {
        if (_console is not null)
        {
            _console.WriteLine();
        }
        else
        {
            _plain!.Write('\n');
        }
    }

    /// <summary>Writes <paramref name="markup"/> without its style tags, '[[' and ']]' as '[' and ']'.</summary>
    /// <remarks>
    /// The same text as Spectre.Console's RemoveMarkup (a test compares them), without parsing each tag's style, which
    /// was most of what plain output cost.
    /// </remarks>
    internal static void WritePlain(string markup, TextWriter writer)
    {
        var text = markup.AsSpan();
        while (text.Length > 0)
        {
            var bracket = text.IndexOfAny('[', ']');
            if (bracket < 0)
            {
                writer.Write(text);
                return;
            }

            writer.Write(text[..bracket]);
            var escaped = bracket + 1 < text.Length && text[bracket + 1] == text[bracket];
            if (escaped)
            {
                writer.Write(text[bracket]);
                text = text[(bracket + 2)..];
            }
            else if (text[bracket] == '[')
            {
                // A style tag such as [bold] or [/]: tags cannot contain ']'.
                var close = text[bracket..].IndexOf(']');
                text = close < 0 ? [] : text[(bracket + close + 1)..];
            }
            else
            {
                writer.Write(']');
                text = text[(bracket + 1)..];
            }
        }
    }

    /// <summary>Flushes the plain writer and closes it.</summary>
    public void Dispose() => _plain?.Dispose();
}
