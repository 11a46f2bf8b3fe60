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
    public void Explain_WebSocketService_DrawsTheLongLivedWindowAndWhatSigkillCuts()
    {
        // HO111's Helm chat chart (real process): preStop 5 s, default grace 30 s, a Service port with appProtocol kubernetes.io/ws.
        var fixture = Path.Combine(RepoRoot(), "tests", "fixtures", "rules", "HO111");
        var (code, stdout, stderr) = Run(fixture, null, "explain", "fire-helm-chat-ws-service.yaml");

        code.ShouldBe(0, stderr);
        stdout.ShouldContain("Track A: WebSocket");
        stdout.ShouldContain("w long-lived drain window, x cut by SIGKILL");
        stdout.ShouldContain("Long-lived (WebSocket): the connections close from 5 s to 50 s (45 s window; seed 001 gives such services 60-120 s of grace); SIGKILL at 30 s cuts the last 20 s of it.");
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
    public void Explain_ServiceRps_EstimatesTheRolloutsLossPodByPodWithTheEndpointsSharingIt()
    {
        // naive.yaml: 3 replicas, maxSurge 1, no preStop, kube-proxy-small (P 5 to 10 s). Pods ready after 20 s, so each
        // old pod loses its requests while 4 endpoints share 300 req/s: 75 req/s x 7.5 s (P averaged over 5..10 s).
        var (code, stdout, stderr) = Run(Samples, null, "explain", "naive.yaml", "--service-rps", "300", "--pod-start-seconds", "20");
        var (jsonCode, json, _) = Run(Samples, null, "explain", "naive.yaml", "--service-rps", "300", "--pod-start-seconds", "20", "--format", "json");

        code.ShouldBe(0, stderr);
        stdout.ShouldContain("At 300 req/s to the Service, shared by the endpoints in the load balancer: about 1688 failed requests in the whole rollout (P averaged over the slowest plane's range, 5 s to 10 s).");
        stdout.ShouldContain("old-3 (deleted at 20 s, 4 endpoints sharing the load): 562 refused.");
        jsonCode.ShouldBe(0);
        using var doc = JsonDocument.Parse(json);
        var loss = doc.RootElement.GetProperty("workloads")[0].GetProperty("rollout").GetProperty("loss");
        loss.GetProperty("expectedFailedRequests").GetDouble().ShouldBe(1687.5);
        loss.GetProperty("pods").EnumerateArray().Select(p => p.GetProperty("endpointsSharing").GetDouble()).ShouldBe([4.0, 4.0, 4.0]);
    }

    [Fact]
    public void Explain_NegativeServiceRps_IsAUsageError()
    {
        var (code, _, stderr) = Run(Samples, null, "explain", "naive.yaml", "--service-rps", "-5");

        code.ShouldBe(2);
        stderr.ShouldContain("--service-rps");
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
