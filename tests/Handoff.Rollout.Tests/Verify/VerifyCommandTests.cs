using System.Diagnostics;
using Handoff.Rollout.Tests.Lab;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>'handoff verify' as a user runs it: the real CLI process, the stand-in kubectl, real HTTP on 127.0.0.1.</summary>
// Timing-sensitive: runs one at a time with the lab tests, not alongside them on a 2-core machine.
[Collection(LabSmokeCollection.Name)]
public class VerifyCommandTests
{
    [Fact]
    public async Task Verify_RbacMissing_ExitsTwoWithOneLineAndSendsNoRequest()
    {
        using var standIn = StandInKubectl.ForFixture("preflight-rbac-denied");
        await using var server = new ScriptedBackends(status: 200);

        var run = await RunAsync(["verify", "--url", server.Url.ToString(), "--deployment", "web", "-n", "shop", "--kubectl", standIn.ExecutablePath]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("handoff verify: Missing RBAC permissions in namespace 'shop' (context 'gke_shop_europe-west1_prod'): watch endpointslices.discovery.k8s.io");
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        run.Stdout.ShouldBeEmpty();
        server.Served.ShouldBe(0);
    }

    [Fact]
    public async Task Verify_BadOptions_ExitsTwoNamingEveryProblem()
    {
        var run = await RunAsync(["verify", "--url", "ftp://shop.example.com/", "--deployment", "web", "--trigger", "helm upgrade", "--watch-only", "--tail", "soon", "--kubectl", "/nonexistent/kubectl"]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe([
            "handoff verify: --url 'ftp://shop.example.com/' must be an absolute http:// or https:// URL.",
            "handoff verify: --tail 'soon' is not a duration like '90s' or '10m'.",
            "handoff verify: --trigger and --watch-only exclude each other.",
            "handoff verify: kubectl '/nonexistent/kubectl' does not exist or is not executable; pass --kubectl with the path of a kubectl binary.",
        ]);
    }

    [Fact]
    public async Task Verify_UnknownProfile_ExitsTwoNamingTheCatalogue()
    {
        var run = await RunAsync(["verify", "--url", "http://127.0.0.1:9/", "--deployment", "web", "--profile", "gke-negg", "--kubectl", "/nonexistent/kubectl"]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("handoff verify: --profile 'gke-negg' is not a profile; known: kube-proxy-small,");
    }

    [Theory]
    [InlineData(200, 0, "PASSED: 0 of ")]
    [InlineData(503, 1, "FAILED: ")]
    public async Task Verify_RecordedRestartAgainstALocalServer_ExitCodeFollowsTheRequests(int status, int exitCode, string verdict)
    {
        using var standIn = StandInKubectl.ForFixture("sigterm-before-endpoint-removal");

        // Healthy through the 2 s baseline (100 requests at 50 per second), then 'status' for the rest of the run.
        await using var server = new ScriptedBackends(status, healthyFirst: 100);
        var report = Directory.CreateTempSubdirectory("handoff-verify-report-").FullName;
        try
        {
            var run = await RunAsync(["verify", "--url", server.Url.ToString(), "--deployment", "web", "--kubectl", standIn.ExecutablePath,
                "--rps", "50", "--tail", "1s", "--timeout", "60s", "--report", report]);

            run.ExitCode.ShouldBe(exitCode, run.Stderr);
            run.Stdout.ShouldStartWith("handoff verify deployment/web");
            run.Stdout.TrimEnd().Split('\n')[^1].ShouldStartWith(verdict);
            server.Served.ShouldBeGreaterThan(100);
            File.ReadAllText(Path.Combine(report, "report.json")).ShouldContain("web-6d4cf56db6-k8v2q");
            File.ReadAllText(Path.Combine(report, "report.html")).ShouldContain("<html");
            standIn.Calls().ShouldContain(c => c.Take(3).SequenceEqual(new[] { "rollout", "restart", "deployment/web" }));
        }
        finally
        {
            Directory.Delete(report, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_EveryBaselineRequestFails_ExitsTwoWithoutStartingTheRollout()
    {
        using var standIn = StandInKubectl.ForFixture("sigterm-before-endpoint-removal");
        await using var server = new ScriptedBackends(status: 503);

        var run = await RunAsync(["verify", "--url", server.Url.ToString(), "--deployment", "web", "--kubectl", standIn.ExecutablePath, "--rps", "50", "--timeout", "60s"]);

        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.ShouldContain("handoff verify: every request of the 2 s baseline failed (");
        run.Stderr.ShouldContain("before any rollout, so none was started. First error: a 5xx response.");
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, "no stack trace");
        run.Stdout.ShouldBeEmpty();
        server.Served.ShouldBeGreaterThan(0);
        standIn.Calls().ShouldNotContain(c => c.Contains("restart"), "the Deployment must not be restarted");
    }

    [Fact]
    public async Task Verify_HttpsWithAnUntrustedCertificate_StopsAtTheBaselineAndSuggestsInsecure()
    {
        using var standIn = StandInKubectl.ForFixture("sigterm-before-endpoint-removal");
        await using var app = await TestApp.StartAsync("pod-tls", https: true);

        var run = await RunAsync(["verify", "--url", app.Url.ToString(), "--deployment", "web", "--kubectl", standIn.ExecutablePath, "--rps", "50", "--timeout", "60s"]);

        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.ShouldContain("First error: The SSL connection could not be established");
        run.Stderr.ShouldContain("pass --insecure.");
        standIn.Calls().ShouldNotContain(c => c.Contains("restart"), "the Deployment must not be restarted");
    }

    [Fact]
    public async Task Verify_HttpsWithInsecure_DrivesTheRolloutOverTls()
    {
        using var standIn = StandInKubectl.ForFixture("sigterm-before-endpoint-removal");
        await using var app = await TestApp.StartAsync("pod-tls", https: true);

        var run = await RunAsync(["verify", "--url", app.Url.ToString(), "--insecure", "--deployment", "web", "--kubectl", standIn.ExecutablePath,
            "--rps", "50", "--tail", "1s", "--timeout", "60s", "--format", "json"]);

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var summary = report.RootElement.GetProperty("summary");
        summary.GetProperty("ok").GetInt32().ShouldBeGreaterThan(100, "requests answered by Kestrel over TLS");
        summary.GetProperty("failed").GetInt32().ShouldBe(0);
        standIn.Calls().ShouldContain(c => c.Take(3).SequenceEqual(new[] { "rollout", "restart", "deployment/web" }));
    }

    [Fact]
    public async Task Verify_InsecureWithHttp_IsAUsageError()
    {
        var run = await RunAsync(["verify", "--url", "http://127.0.0.1:9/", "--insecure", "--deployment", "web", "--kubectl", "/nonexistent/kubectl"]);

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("handoff verify: --insecure applies to https:// URLs only.");
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyList<string> arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(CliDll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static string CliDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = output.Parent!.Name;
            for (var dir = output; dir is not null; dir = dir.Parent)
            {
                var dll = Path.Combine(dir.FullName, "src", "Handoff.Cli", "bin", configuration, "net10.0", "handoff.dll");
                if (File.Exists(dll))
                {
                    return dll;
                }
            }

            throw new FileNotFoundException("Build src/Handoff.Cli first (" + configuration + ").");
        }
    }
}
