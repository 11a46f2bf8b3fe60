using Handoff.Cli.Rendering;
using Spectre.Console;

namespace Handoff.Cli.Tests;

/// <summary>Plain output (redirected stdout) is exactly what Spectre.Console's RemoveMarkup would print.</summary>
public sealed class MarkupWriterTests
{
    [Theory]
    [InlineData("[bold]Handoff check[/]: 1 file, 2 objects, 1 workload.")]
    [InlineData("    [red]error  [/] [bold]HO101[/] prestop-missing [dim]samples/deploy/naive.yaml:22:11[/]")]
    [InlineData("  [green]ok[/] [bold]Deployment default/frontend[/] [dim](deploy/recommended.yaml)[/]")]
    [InlineData("plain text with no tags")]
    [InlineData("")]
    public void WritePlain_OnRendererMarkup_MatchesSpectreRemoveMarkup(string markup)
    {
        using var writer = new StringWriter();

        MarkupWriter.WritePlain(markup, writer);

        writer.ToString().ShouldBe(markup.RemoveMarkup());
    }

    [Theory]
    [InlineData("container 'app[0]' in [x]")]
    [InlineData("[[literal]] brackets and a ] alone")]
    [InlineData("name]] [[")]
    public void WritePlain_OnEscapedUserText_MatchesSpectreRemoveMarkup(string userText)
    {
        var markup = $"[dim]{Markup.Escape(userText)}[/] {Markup.Escape(userText)}";
        using var writer = new StringWriter();

        MarkupWriter.WritePlain(markup, writer);

        writer.ToString().ShouldBe(markup.RemoveMarkup());
        writer.ToString().ShouldBe($"{userText} {userText}");
    }
}
