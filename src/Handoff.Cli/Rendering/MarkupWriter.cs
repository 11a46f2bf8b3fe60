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
            _plain!.Write(markup.RemoveMarkup());
            _plain.Write('\n');
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

    /// <summary>Flushes the plain writer and closes it.</summary>
    public void Dispose() => _plain?.Dispose();
}
