using System.Net;
using Handoff.Rollout.Lab;
using Handoff.Rollout.Tests.Support;

namespace Handoff.Rollout.Tests.Lab;

/// <summary>
/// '{port:NAME}' in --app: a pod whose probes use a management port gets a loopback port for it, and the app is told
/// which (on its command line and as HANDOFF_PORT_NAME).
/// </summary>
// Real lab runs: in the lab collection, so they never run beside another lab's timing-sensitive measurements.
[Collection(LabSmokeCollection.Name)]
public class LabPortsTests
{
    private static readonly LabDeploymentSpec Spring = LabManifestReader.Read(TestPaths.Fixture("management-port.yaml"));

    [Fact]
    public void For_NamedAndNumberedPlaceholders_AreThePodsOwnPorts()
    {
        var next = 40_000;
        var ports = LabPortMap.Allocate(Spring, () => next++);
        var command = AppCommand.Parse("java -jar app.jar --server.port={port} --management.server.port={port:management} --again={port:8081} {pod}");

        command.NamedPorts.ShouldBe(["management", "8081"]);
        command.For("orders-v1-1", ports).ShouldBe(["java", "-jar", "app.jar", "--server.port=40000", "--management.server.port=40001", "--again=40001", "orders-v1-1"]);
        AppCommand.Environment("orders-v1-1", ports).ShouldContain(new KeyValuePair<string, string>("HANDOFF_PORT_MANAGEMENT", "40001"));
        AppCommand.Environment("orders-v1-1", ports).ShouldContain(new KeyValuePair<string, string>("HANDOFF_PORT_HTTP", "40000"));
        ports.For(Spring.Readiness!.Port).ShouldBe(40001);
        ports.For(null).ShouldBe(40000);
    }

    [Fact]
    public void Problems_PlaceholderForAPortTheContainerDoesNotDeclare_NamesTheDeclaredOnes()
    {
        AppCommand.Parse("app --admin={port:admin}").Problems(Spring).ShouldHaveSingleItem()
            .ShouldBe("The --app command uses {port:admin}, but the container of 'orders' has no such port (ports: http (8080), management (8081)).");
        AppCommand.Parse("app {port:management}").Problems(Spring).ShouldBeEmpty();
        Should.Throw<LabException>(() => AppCommand.Parse("app {port:}")).Message.ShouldContain("empty '{port:}'");
    }

    [Fact(Timeout = 120_000)]
    public async Task Lab_ProbesOnAManagementPort_ReachTheAppOnItsOwnPort()
    {
        // The control: with HANDOFF_PORT_MANAGEMENT set, the test app answers health only there, so a probe sent to
        // the traffic port would never make a pod ready.
        await AssertHealthOnlyOnManagementPortAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(100));
        PropagationDelay.TryParse("1s", out var delay).ShouldBeTrue();
        var options = new LabOptions
        {
            // One word, no shell: Kestrel listens on both (--urls takes a ';'-separated list).
            App = AppCommand.Parse(TestPaths.TestAppCommand + ";http://127.0.0.1:{port:management}"),
            Propagation = delay!,
            RequestsPerSecond = 100,
            Duration = TimeSpan.FromSeconds(18),
            Seed = 42,
        };

        var result = await new LabRunner(TimeProvider.System).RunAsync(Spring, options, progress: null, timeout.Token);

        result.RolloutFinished.ShouldBeTrue("every new pod became ready through its management port");
        LabReport.Build(result).Failed.ShouldBe(0);
        result.Ports.Count.ShouldBeGreaterThanOrEqualTo(1 + (4 * 2), "HAProxy plus two ports for each of the four pods");
        await LabRuns.ShouldHaveLeftNothingAsync(result);
    }

    [Fact(Timeout = 60_000)]
    public async Task Lab_UnknownPortPlaceholder_IsAnInputErrorAndStartsNothing()
    {
        var (exitCode, stdout, stderr) = await HandoffCli.RunAsync(["lab", TestPaths.Fixture("management-port.yaml"), "--app", TestPaths.TestAppCommand + " --admin={port:admin}"], TimeSpan.FromSeconds(30));

        exitCode.ShouldBe(2);
        stdout.ShouldBeEmpty();
        stderr.TrimEnd().ShouldBe("handoff: The --app command uses {port:admin}, but the container of 'orders' has no such port (ports: http (8080), management (8081)).");
    }

    private static async Task AssertHealthOnlyOnManagementPortAsync()
    {
        int traffic = FreePort.Next(), management = FreePort.Next();
        var words = AppCommand.Parse(TestPaths.TestAppCommand).Words.Select(w => w.Replace("http://127.0.0.1:{port}", $"http://127.0.0.1:{traffic};http://127.0.0.1:{management}", StringComparison.Ordinal)).ToList();
        var log = Path.Combine(Path.GetTempPath(), $"handoff-ports-{Environment.ProcessId}.log");
        await using var app = ChildProcess.Start(words, [new("HANDOFF_PORT_MANAGEMENT", management.ToString(System.Globalization.CultureInfo.InvariantCulture))], log);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        HttpStatusCode? onManagement = null;
        while (onManagement is null && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                onManagement = (await client.GetAsync(new Uri($"http://127.0.0.1:{management}/healthz/ready"))).StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        onManagement.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"http://127.0.0.1:{traffic}/healthz/ready"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync(new Uri($"http://127.0.0.1:{traffic}/"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        File.Delete(log);
    }
}
