using System.Text;
using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Input;

namespace Handoff.Analysis.Tests.Dockerfiles;

/// <summary>Dockerfiles and scripts are user input: no text may make the parser or the PID 1 analysis throw.</summary>
public sealed class DockerfileRobustnessTests
{
    private static readonly string[] Pieces =
    [
        "FROM ", "alpine", " AS ", "base", "CMD ", "ENTRYPOINT ", "SHELL ", "STOPSIGNAL ", "COPY ", "ARG ", "RUN ", "[", "]", "\"",
        "\\", "`", "\n", "\r\n", "<<", "<<-", "EOF", "'", "#", "# escape=`", "${X:-y}", "$X", "=", " ", "\t", "exec ", "sh", "-c",
        "npm start", "&&", ";", "||", "fi", "done", "trap", "TERM", "wait", ".sh", "--from=base", "/", "$@", "{", "}",
    ];

    [Fact]
    public void ParseAndAnalyze_RandomText_NeverThrowsAndKeepsLinesInRange()
    {
        var random = new Random(20261122);
        for (var n = 0; n < 3000; n++)
        {
            var text = new StringBuilder();
            var count = random.Next(1, 60);
            for (var i = 0; i < count; i++)
            {
                text.Append(Pieces[random.Next(Pieces.Length)]);
            }

            var source = text.ToString();
            var document = DockerfileParser.ParseText(new SourceFile("Dockerfile", source, SourceKind.Dockerfile));
            var lines = source.Split('\n').Length;
            foreach (var instruction in document.Stages.SelectMany(s => s.Instructions.Prepend(s.From)))
            {
                instruction.Line.ShouldBeInRange(1, lines, source);
            }

            DockerfilePid1.Analyze(document);
            Pid1Analysis.OfShellText(source);
            Pid1Analysis.OfArgv(Pid1.SplitWords(source));
        }
    }
}
