using System.Net;
using System.Net.Sockets;
using Handoff.Rollout.Load;
using Handoff.Rollout.Tests.Support;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Tests.Load;

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
