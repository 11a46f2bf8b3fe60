using Handoff.Analysis.Manifests;
using Handoff.Analysis.Tests.Providers;

namespace Handoff.Analysis.Tests.Dockerfiles;

/// <summary>samples/docker: the recommended Dockerfile passes 'check'; the naive one shows HO403 on its ENTRYPOINT.</summary>
public sealed class DockerSampleTests
{
    private static string Dir(string name) => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(ProviderSampleTests.SamplePath("x"))!)!, "docker", name);

    [Fact]
    public void Check_RecommendedDockerfile_HasNoFinding()
    {
        var result = Analyzer.Analyze(ManifestSet.Load([Dir("recommended")]));

        result.Errors.ShouldBeEmpty();
        result.Model.Manifests.Dockerfiles.ShouldHaveSingleItem();
        result.Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Check_NaiveDockerfile_ReportsTheScriptThatDoesNotExec()
    {
        var result = Analyzer.Analyze(ManifestSet.Load([Dir("naive")]));

        result.Errors.ShouldBeEmpty();
        var finding = result.Findings.ShouldHaveSingleItem();
        finding.RuleId.ShouldBe("HO403");
        finding.Location.Line.ShouldBe(8);
        finding.Object.Kind.ShouldBe("Dockerfile");
        finding.Message.ShouldContain("start.sh");
        finding.Message.ShouldContain("(line 5)");
    }
}
