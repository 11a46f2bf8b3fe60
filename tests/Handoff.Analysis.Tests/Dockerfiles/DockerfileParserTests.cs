using Handoff.Analysis.Dockerfiles;
using Handoff.Analysis.Input;

namespace Handoff.Analysis.Tests.Dockerfiles;

public sealed class DockerfileParserTests
{
    private static DockerfileDocument Parse(string text) => DockerfileParser.ParseText(new SourceFile("Dockerfile", text, SourceKind.Dockerfile));

    [Fact]
    public void Parse_MultiStageFile_KeepsStagesNamesAndLines()
    {
        var doc = Parse("ARG V=20\nFROM node:${V}-alpine AS build\nRUN npm ci\n\nFROM --platform=linux/amd64 gcr.io/distroless/nodejs20 AS final\nCMD [\"server.js\"]\n");

        doc.Errors.ShouldBeEmpty();
        doc.Stages.Count.ShouldBe(2);
        doc.Stages[0].BaseImage.ShouldBe("node:20-alpine");
        doc.Stages[0].Name.ShouldBe("build");
        doc.Stages[1].BaseImage.ShouldBe("gcr.io/distroless/nodejs20");
        var cmd = doc.FinalStage!.Last("CMD").ShouldNotBeNull();
        cmd.Line.ShouldBe(6);
        cmd.Column.ShouldBe(1);
        cmd.ExecForm.ShouldBe(["server.js"]);
    }

    [Fact]
    public void Parse_ContinuationsWithCommentsInside_JoinIntoOneInstructionAtItsFirstLine()
    {
        var doc = Parse("FROM alpine\nCMD node \\\n# a comment inside\n\n    server.js \\\n    --port 80\nSTOPSIGNAL SIGQUIT\n");

        var cmd = doc.FinalStage!.Last("CMD").ShouldNotBeNull();
        cmd.Line.ShouldBe(2);
        cmd.IsExecForm.ShouldBeFalse();
        cmd.Arguments.ShouldBe("node  server.js  --port 80");
        doc.FinalStage.Last("STOPSIGNAL")!.Line.ShouldBe(7);
    }

    [Fact]
    public void Parse_EscapeDirective_UsesBacktickForContinuations()
    {
        var doc = Parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore\nCMD [\"a\", `\n  \"b\"]\n");

        doc.FinalStage!.Last("CMD")!.ExecForm.ShouldBe(["a", "b"]);
    }

    [Fact]
    public void Parse_Heredoc_IsSkippedAndKeptAsBody()
    {
        var doc = Parse("FROM alpine\nRUN <<EOF\nCMD this is not an instruction\nEOF\nRUN <<-'END' cat > /x\n\techo hi\n\tEND\nCMD [\"app\"]\n");

        doc.Errors.ShouldBeEmpty();
        var stage = doc.FinalStage!;
        stage.Instructions.Select(i => i.Keyword).ShouldBe(["RUN", "RUN", "CMD"]);
        stage.Instructions[0].Heredocs.ShouldBe(["CMD this is not an instruction\n"]);
        stage.Instructions[1].Heredocs.ShouldBe(["echo hi\n"]);
        stage.Last("CMD")!.Line.ShouldBe(8);
    }

    [Fact]
    public void Parse_UnclosedHeredoc_ReportsAnErrorWithItsLine()
    {
        var doc = Parse("FROM alpine\nRUN <<EOF\necho\n");

        doc.Errors.ShouldHaveSingleItem().Line.ShouldBe(2);
    }

    [Fact]
    public void Parse_InvalidJsonArray_IsTheShellForm()
    {
        var doc = Parse("FROM alpine\nCMD [node, server.js]\n");

        doc.FinalStage!.Last("CMD")!.IsExecForm.ShouldBeFalse();
    }

    [Fact]
    public void Parse_NoFrom_IsAnError()
    {
        Parse("CMD [\"x\"]\n").Errors.Count.ShouldBe(2);
    }

    [Fact]
    public void FinalConfig_StageBuiltFromEarlierStage_InheritsEntrypointCmdAndStopSignal()
    {
        var doc = Parse("FROM nginx:1.18 AS base\nSTOPSIGNAL SIGQUIT\nENTRYPOINT [\"/docker-entrypoint.sh\"]\nCMD [\"nginx\"]\nFROM base\nCOPY site /usr/share/nginx/html\n");

        var config = doc.FinalConfig();
        config.BaseImage.ShouldBe("nginx:1.18");
        config.Entrypoint!.Line.ShouldBe(3);
        config.Cmd!.Line.ShouldBe(4);
        config.StopSignal!.Arguments.ShouldBe("SIGQUIT");
        config.Copies.ShouldHaveSingleItem().Line.ShouldBe(6);
    }

    [Fact]
    public void FinalConfig_EntrypointInLaterStage_ResetsInheritedCmd()
    {
        var doc = Parse("FROM alpine AS a\nCMD [\"x\"]\nFROM a\nENTRYPOINT [\"y\"]\n");

        doc.FinalConfig().Cmd.ShouldBeNull();
    }

    [Theory]
    [InlineData("node server.js", true)]
    [InlineData("cd /app && node server.js", true)]
    [InlineData("exec node server.js", false)]
    [InlineData("cd /app && exec node server.js", false)]
    [InlineData("trap 'kill -TERM $pid' TERM; node server.js & pid=$!; wait $pid", false)]
    public void OfShellText_ShellWithoutExec_IsFoundOnlyWhenTheLastCommandIsNotExeced(string script, bool expected)
    {
        Pid1Analysis.OfShellText(script).Any(p => p.Issue == Pid1Issue.ShellWithoutExec).ShouldBe(expected);
    }

    [Theory]
    [InlineData(new[] { "npm", "start" }, true)]
    [InlineData(new[] { "yarn", "run", "serve" }, true)]
    [InlineData(new[] { "/bin/sh", "-c", "exec npm run start" }, true)]
    [InlineData(new[] { "node", "server.js" }, false)]
    [InlineData(new[] { "npm", "ci" }, false)]
    [InlineData(new[] { "dumb-init", "npm", "start" }, false)]
    public void OfArgv_PackageManager_IsFoundAsPid1(string[] argv, bool expected)
    {
        Pid1Analysis.OfArgv(argv).Any(p => p.Issue == Pid1Issue.PackageManager).ShouldBe(expected);
    }

    [Fact]
    public void LastCommand_ScriptWithBlocks_IsTheFinalCommandOutsideClosers()
    {
        const string script = "#!/bin/sh\nset -e\nif [ \"$1\" = 'x' ]; then\n  exec gosu app \"$@\"\nfi\n# done\nnode \\\n  server.js\nexit 0\n";

        var last = Pid1.LastCommand(script).ShouldNotBeNull();
        last.Text.ShouldBe("node    server.js");
        last.Line.ShouldBe(7);
        last.IsExec.ShouldBeFalse();
    }

    [Fact]
    public void ToExecForm_ShellCommand_IsAReadableJsonArray()
    {
        Pid1Analysis.ToExecForm("exec node \"my app.js\" --name=a&b").ShouldBe("[\"node\", \"my app.js\", \"--name=a&b\"]");
        DockerfileParser.ExecForm(Pid1Analysis.ToExecForm("node 'x\\y'")).ShouldBe(["node", "x\\y"]);
    }
}
