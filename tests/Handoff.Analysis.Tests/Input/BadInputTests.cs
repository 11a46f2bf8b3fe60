using System.Text;
using Handoff.Analysis.Manifests;

namespace Handoff.Analysis.Tests.Input;

/// <summary>Hostile or broken input becomes one error naming the file; the other files are still analysed.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("handoff-badinput-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string GoodFile() => File.Exists(Path.Combine(_dir, "good.yaml"))
        ? Path.Combine(_dir, "good.yaml")
        : Write("good.yaml", File.ReadAllText(Path.Combine(RepoPaths.Samples, "deploy", "naive.yaml")));

    private static void ShouldAnalyseTheGoodFileAnyway(AnalysisResult result)
    {
        result.Model.Workloads.ShouldContain(w => w.Name == "frontend");
        result.Findings.ShouldContain(f => f.Rule.Id == "HO101");
    }

    [Fact]
    public void Load_MalformedYaml_ReportsFileAndLine()
    {
        var bad = Write("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels: {a: b\nspec: {}\n");

        var result = Analyzer.Analyze(ManifestSet.Load([bad, GoodFile()]));

        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe(bad);
        error.Line.ShouldNotBeNull();
        error.Message.ShouldNotContain("   at ");
        error.Message.ShouldEndWith(".");
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Fact]
    public void Load_AliasBomb_IsRefusedWithoutExpanding()
    {
        var sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 12; i++)
        {
            sb.Append($"a{i}: &a{i} [").Append(string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))).Append("]\n");
        }

        var bomb = Write("bomb.yaml", sb.ToString());

        var result = Analyzer.Analyze(ManifestSet.Load([bomb, GoodFile()]));

        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe(bomb);
        error.Message.ShouldContain("alias bomb");
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Fact]
    public void Load_FiftyMegabyteFile_IsRefusedBySize()
    {
        var big = Path.Combine(_dir, "big.yaml");
        using (var stream = File.Create(big))
        {
            stream.SetLength(50L * 1024 * 1024);
        }

        var result = Analyzer.Analyze(ManifestSet.Load([big, GoodFile()]));

        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe(big);
        error.Message.ShouldContain("50.0 MiB");
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Fact]
    public void Load_BinaryFile_IsRefused()
    {
        var binary = Path.Combine(_dir, "image.yaml");
        File.WriteAllBytes(binary, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]);

        var result = Analyzer.Analyze(ManifestSet.Load([binary, GoodFile()]));

        result.Errors.ShouldHaveSingleItem().Message.ShouldContain("binary");
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Theory]
    [InlineData("flow")]
    [InlineData("block")]
    public void Load_TenThousandDeepNesting_IsRefusedWithoutStackOverflow(string style)
    {
        var text = style == "flow"
            ? new string('[', 10_000) + new string(']', 10_000)
            : string.Concat(Enumerable.Repeat("- ", 10_000)) + "x\n"; // compact nested block sequences
        var deep = Write("deep.yaml", text);

        var result = Analyzer.Analyze(ManifestSet.Load([deep, GoodFile()]));

        var error = result.Errors.ShouldHaveSingleItem();
        error.File.ShouldBe(deep);
        error.Message.ShouldContain("deeper than");
        error.Line.ShouldNotBeNull();
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Fact]
    public void Load_WrongFieldType_IsAnErrorOnThatObjectOnly()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "deploy", "recommended.yaml")).Replace("replicas: 3", "replicas: three", StringComparison.Ordinal);
        var mixed = Write("mixed.yaml", text);

        var result = Analyzer.Analyze(ManifestSet.Load([mixed, GoodFile()]));

        var error = result.Errors.ShouldHaveSingleItem();
        error.Message.ShouldBe("Deployment default/frontend: 'spec.replicas' must be an integer, not 'three'.");
        error.Line.ShouldBe(text.Split('\n').ToList().FindIndex(l => l.Contains("replicas: three", StringComparison.Ordinal)) + 1);
        result.Model.Services.Count.ShouldBe(2, "the Service next to the broken Deployment is still read");
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Fact]
    public void Load_QuotedNumber_IsAnError()
    {
        var text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: q}\nspec:\n  replicas: \"3\"\n  template:\n    spec:\n      containers: [{name: a, image: b}]\n";

        var result = Analyzer.Analyze(ManifestSet.FromText(text));

        result.Errors.ShouldHaveSingleItem().Message.ShouldContain("the string \"3\"");
    }

    [Fact]
    public void Load_MissingPath_IsAnError()
    {
        var result = Analyzer.Analyze(ManifestSet.Load([Path.Combine(_dir, "nope.yaml"), GoodFile()]));

        result.Errors.ShouldHaveSingleItem().Message.ShouldBe("No such file or directory.");
        ShouldAnalyseTheGoodFileAnyway(result);
    }

    [Fact]
    public void Load_DocumentsBeforeASyntaxError_AreKept()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Samples, "deploy", "naive.yaml")) + "\n---\nkind: [unclosed\n";

        var result = Analyzer.Analyze(ManifestSet.FromText(text, "partial.yaml"));

        result.Errors.ShouldHaveSingleItem().File.ShouldBe("partial.yaml");
        ShouldAnalyseTheGoodFileAnyway(result);
    }
}
