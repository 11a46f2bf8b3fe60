using System.Net;
using System.Net.Sockets;
using Handoff.Rollout.Load;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Load;

// Real processes killed mid-request and exact counts: in the lab collection, never beside a lab run.
[Collection(Handoff.Rollout.Tests.Lab.LabSmokeCollection.Name)]
public class LoadGeneratorTests
{
    [Fact(Timeout = 60_000)]
    public async Task RunAsync_OpenLoopAgainstTheTestApp_SendsAtTheRateAndRecordsTheBackend()
    {
        await using var app = await TestApp.StartAsync("pod-x");
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));

        var result = await generator.RunAsync(
            new LoadOptions { Target = app.Url, RequestsPerSecond = 200, Duration = TimeSpan.FromSeconds(2), Connections = 8 },
            CancellationToken.None);

        result.Records.Count.ShouldBeInRange(390, 402);
        result.Records.ShouldAllBe(r => r.Outcome == RequestOutcome.Ok && r.Status == 200 && r.Backend == "pod-x");
        result.Records.ShouldAllBe(r => r.End >= r.Start);
        generator.Counters.Sent.ShouldBe(result.Records.Count);

        // Open loop: starts follow the schedule, about 5 ms apart, not the responses.
        var span = result.Records[^1].Start - result.Records[0].Start;
        span.TotalSeconds.ShouldBeInRange(1.8, 2.3);
    }

    [Fact(Timeout = 60_000)]
    public async Task RunAsync_HttpsWithSkipCertificateCheck_SendsOverTlsToKestrel()
    {
        await using var app = await TestApp.StartAsync("pod-tls", https: true);
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));

        var result = await generator.RunAsync(
            new LoadOptions { Target = app.Url, RequestsPerSecond = 100, Duration = TimeSpan.FromSeconds(1), Connections = 4, SkipCertificateCheck = true },
            CancellationToken.None);

        app.Url.Scheme.ShouldBe("https");
        result.Records.Count.ShouldBeInRange(95, 101);
        result.Records.ShouldAllBe(r => r.Outcome == RequestOutcome.Ok && r.Status == 200 && r.Backend == "pod-tls");
        generator.Counters.FirstError.ShouldBeNull();
    }

    [Fact(Timeout = 60_000)]
    public async Task RunAsync_HttpsWithAnUntrustedCertificate_FailsEveryRequestAndSaysWhy()
    {
        await using var app = await TestApp.StartAsync("pod-tls", https: true);
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));

        var result = await generator.RunAsync(
            new LoadOptions { Target = app.Url, RequestsPerSecond = 20, Duration = TimeSpan.FromSeconds(0.5), Connections = 2 },
            CancellationToken.None);

        result.Records.ShouldNotBeEmpty();
        result.Records.ShouldAllBe(r => r.Failed && r.Status == null);
        generator.Counters.FirstError.ShouldNotBeNull().ShouldContain("certificate", Case.Insensitive);
    }

    [Fact]
    public void Validate_OtherSchemes_AreRefusedAndHttpsIsAccepted()
    {
        new LoadOptions { Target = new Uri("https://127.0.0.1:8443/") }.Validate().ShouldBeEmpty();
        new LoadOptions { Target = new Uri("ftp://127.0.0.1/") }.Validate().ShouldContain("The target 'ftp://127.0.0.1/' must be an absolute http:// or https:// URL.");
    }

    [Fact(Timeout = 30_000)]
    public async Task RunAsync_ClosedPort_RecordsRefused()
    {
        var port = FreePortForTest();
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));

        var result = await generator.RunAsync(
            new LoadOptions { Target = new Uri($"http://127.0.0.1:{port}/"), RequestsPerSecond = 20, Duration = TimeSpan.FromSeconds(0.5) },
            CancellationToken.None);

        result.Records.ShouldNotBeEmpty();
        result.Records.ShouldAllBe(r => r.Outcome == RequestOutcome.Refused && r.Failed);
    }

    [Fact(Timeout = 30_000)]
    public async Task RunAsync_ServerResetsConnections_RecordsReset()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                var read = await client.GetStream().ReadAtLeastAsync(new byte[1024], 1, throwOnEndOfStream: false, stop.Token);
                read.ShouldBeGreaterThan(0);

                // Linger 0: close with RST, like a process that dies with requests on its sockets.
                client.Client.LingerState = new LingerOption(true, 0);
            }
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));

        var result = await generator.RunAsync(
            new LoadOptions { Target = new Uri($"http://127.0.0.1:{port}/"), RequestsPerSecond = 20, Duration = TimeSpan.FromSeconds(0.5), Connections = 1 },
            CancellationToken.None);
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => server);

        result.Records.ShouldNotBeEmpty();
        result.Records.ShouldAllBe(r => r.Outcome == RequestOutcome.Reset);
    }

    [Fact(Timeout = 30_000)]
    public async Task RunAsync_SlowServer_RecordsTimeout()
    {
        await using var app = await TestApp.StartAsync("slow");
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));

        var result = await generator.RunAsync(
            new LoadOptions { Target = new Uri(app.Url, "/slow?ms=2000"), RequestsPerSecond = 10, Duration = TimeSpan.FromSeconds(0.3), Timeout = TimeSpan.FromMilliseconds(300) },
            CancellationToken.None);

        result.Records.ShouldNotBeEmpty();
        result.Records.ShouldAllBe(r => r.Outcome == RequestOutcome.Timeout);
    }

    // Two real Kestrel processes share one port (SO_REUSEPORT), so a re-sent request finds a live server, as it would
    // behind a load balancer. The victim listens alone at first: the generator's pooled connections all go to it; it
    // answers 40 requests on '/', then holds the last 8 (writing each to stdout), one on each of the 8 connections.
    // Then the survivor starts on the same port and the victim gets SIGKILL. Nothing else is queued, so no request can
    // race the dying listener: every request the victim held must come back as a failure. With SocketsHttpHandler's
    // silent retry (a GET without content) the ones held on reused connections were re-sent to the survivor and
    // recorded as 200 (seen with the content removed: 0 of 8 held requests recorded as failed).
    [Fact(Timeout = 60_000)]
    public async Task RunAsync_BackendKilledWithRequestsInFlight_RecordsEveryHeldRequestAsFailed()
    {
        var port = TestApp.FreePort();
        var shared = new Dictionary<string, string>(StringComparer.Ordinal) { ["TESTAPP_REUSE_PORT"] = "1" };
        await using var victim = await TestApp.StartAsync("victim", port: port, environment: new Dictionary<string, string>(shared, StringComparer.Ordinal) { ["TESTAPP_HOLD_AFTER"] = "40" });
        var generator = new LoadGenerator(new RunClock(TimeProvider.System));
        var options = new LoadOptions { Target = victim.Url, RequestsPerSecond = 24, Duration = TimeSpan.FromSeconds(2), Connections = 8, Timeout = TimeSpan.FromSeconds(30) };

        var run = generator.RunAsync(options, CancellationToken.None);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Held(victim).Count < options.Connections && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        await using var survivor = await TestApp.StartAsync("survivor", port: port, environment: shared);
        victim.Kill();
        await victim.Exited;
        var result = await run;

        var held = Held(victim);
        var failed = result.Records.Where(r => r.Failed).ToList();
        var seen = $"held: {string.Join(", ", held.Select(h => $"{h[1]}#{h[2]}"))}; failed: {string.Join(", ", failed.Select(r => $"{r.Start.TotalSeconds:0.000}-{r.End.TotalSeconds:0.000} {r.Outcome}"))}";
        held.Count.ShouldBe(options.Connections, seen);
        held.ShouldContain(fields => int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) > 1, "some held requests must have come on a reused (pooled) connection");
        result.Records.Count.ShouldBe(48);
        failed.Count.ShouldBe(held.Count, seen);
        failed.ShouldAllBe(r => r.Outcome == RequestOutcome.Reset);
        result.Records.Count(r => r.Backend == "victim").ShouldBe(40);
        result.Records.ShouldNotContain(r => r.Backend == "survivor", "nothing was re-sent");
    }

    private static List<string[]> Held(TestApp app) =>
        [.. app.Output.Where(line => line.StartsWith("held ", StringComparison.Ordinal)).Select(line => line.Split(' '))];

    [Fact]
    public void Validate_BadOptions_ReportsEveryProblem()
    {
        var options = new LoadOptions { Target = new Uri("ftp://example.com/"), RequestsPerSecond = 0, Connections = 0, Duration = TimeSpan.Zero };

        options.Validate().Count.ShouldBe(4);
    }

    private static int FreePortForTest()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
