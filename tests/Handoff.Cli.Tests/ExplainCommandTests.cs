using System.Text.Json;
using System.Xml.Linq;
using static Handoff.Cli.Tests.CliRunner;

namespace Handoff.Cli.Tests;

public class ExplainCommandTests
{
    private static readonly string Samples = Path.Combine(RepoRoot(), "samples", "deploy");

    [Fact]
    public void Explain_Text_DrawsBothTracksAndTheExposure()
    {
        var (code, stdout, stderr) = Run(Samples, null, "explain", "naive.yaml", "--rps", "50");

        code.ShouldBe(0, stderr);
        stdout.ShouldContain("Track A: kubelet");
        stdout.ShouldContain("Track B: kube-proxy");
        stdout.ShouldContain("Exposure 10 s");
        stdout.ShouldContain("about 500 failed requests per terminated pod at 50 req/s");
    }

    [Fact]
    public void Explain_PreStopOfUnknownLength_SaysUnknownAndCountsNoFailures()
    {
        // Cassandra's 'nodetool drain' preStop: its length cannot be read from the manifest (issue 13.10).
        var fixture = Path.Combine(RepoRoot(), "tests", "fixtures", "field", "stateful");
        var (code, stdout, stderr) = Run(fixture, null, "explain", "cassandra.yaml", "--rps", "50");

        code.ShouldBe(0, stderr);
        stdout.ShouldContain("Exposure unknown: the preStop hook's length cannot be read from the manifest");
        stdout.ShouldContain("'handoff.dev/prestop-seconds'");
        stdout.ShouldNotContain("failed requests per terminated pod");
    }

    [Fact]
    public void Explain_Json_GivesTheContractFieldsPerWorkload()
    {
        var (code, stdout, stderr) = Run(Samples, null, "explain", "naive.yaml", "recommended.yaml", "--format", "json");

        code.ShouldBe(0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var workloads = doc.RootElement.GetProperty("workloads");
        workloads.GetArrayLength().ShouldBe(2);
        foreach (var w in workloads.EnumerateArray())
        {
            foreach (var field in new[] { "name", "preStopSeconds", "gracePeriodSeconds", "sigtermAtSeconds", "sigkillAtSeconds", "propagationSeconds", "exposureSeconds" })
            {
                w.TryGetProperty(field, out _).ShouldBeTrue(field);
            }
        }
    }

    [Fact]
    public void Explain_Svg_IsWellFormedWithOneGroupPerWorkload()
    {
        var (code, stdout, stderr) = Run(Samples, null, "explain", "naive.yaml", "--format", "svg");

        code.ShouldBe(0, stderr);
        var svg = XDocument.Parse(stdout);
        XNamespace ns = "http://www.w3.org/2000/svg";
        svg.Root!.Name.ShouldBe(ns + "svg");
        svg.Descendants(ns + "g").Count(g => (string?)g.Attribute("class") == "workload").ShouldBe(1);
        svg.Descendants(ns + "rect").ShouldContain(r => (string?)r.Attribute("class") == "exposure");
    }

    [Fact]
    public void Explain_UnknownWorkload_IsAUsageError()
    {
        var (code, _, stderr) = Run(Samples, null, "explain", "naive.yaml", "--workload", "nope");

        code.ShouldBe(2);
        stderr.ShouldContain("no workload named 'nope'");
    }
}
