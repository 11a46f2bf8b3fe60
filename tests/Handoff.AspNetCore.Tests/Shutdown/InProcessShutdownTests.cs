using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Handoff.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore.Tests.Shutdown;

/// <summary>The shutdown sequence on a real Kestrel inside the test process, driven by the host's stop.</summary>
public sealed class InProcessShutdownTests
{
    [Fact]
    public async Task Delay_Http11KeepAliveClient_GetsConnectionCloseAndReconnects()
    {
        await using var app = await TestApp.StartAsync(FixedDelay(1.5));
        using var keepAlive = new ConnectionCounter();
        using var prober = new HttpClient { BaseAddress = app.BaseAddress };
        var uri = new Uri(app.BaseAddress, "/");

        (await keepAlive.Client.GetAsync(uri)).Headers.ConnectionClose.ShouldNotBe(true);
        (await keepAlive.Client.GetAsync(uri)).StatusCode.ShouldBe(HttpStatusCode.OK);
        keepAlive.Connections.ShouldBe(1);

        var stopping = app.BeginStopAsync();
        await WaitUntilNotReadyAsync(prober);
        var during = await keepAlive.Client.GetAsync(uri);
        var after = await keepAlive.Client.GetAsync(uri);

        during.StatusCode.ShouldBe(HttpStatusCode.OK);
        during.Headers.ConnectionClose.ShouldBe(true);
        after.StatusCode.ShouldBe(HttpStatusCode.OK);
        keepAlive.Connections.ShouldBe(2);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Delay_Http2Client_GetsGoAwayAndMovesToNewConnection()
    {
        await using var app = await TestApp.StartAsync(FixedDelay(1.5), protocols: HttpProtocols.Http2);
        using var client = new ConnectionCounter(HttpVersion.Version20);
        using var prober = new ConnectionCounter(HttpVersion.Version20);
        var uri = new Uri(app.BaseAddress, "/");

        (await client.Client.GetAsync(uri)).Version.ShouldBe(HttpVersion.Version20);
        await client.Client.GetAsync(uri);
        client.Connections.ShouldBe(1);

        var stopping = app.BeginStopAsync();
        await WaitUntilNotReadyAsync(prober.Client, app.BaseAddress);
        (await client.Client.GetAsync(uri)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The GOAWAY frame follows the response; give the client a moment to read it.
        await Task.Delay(200);
        (await client.Client.GetAsync(uri)).StatusCode.ShouldBe(HttpStatusCode.OK);
        client.Connections.ShouldBe(2);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Drain_RequestLongerThanDrainTimeout_IsAbortedAndMetricsRecordTheSequence()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.ShutdownDelay.Mode = ShutdownDelayMode.Fixed;
            o.ShutdownDelay.Seconds = 0.5;
            o.DrainTimeoutSeconds = 0.5;
        });
        using var metrics = new HandoffMeterRecorder(app.App.Services.GetRequiredService<IMeterFactory>());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var slowClient = new HttpClient { BaseAddress = app.BaseAddress };

        var slow = slowClient.GetAsync("/slow?ms=10000");
        await Task.Delay(200);
        metrics.ObserveInFlight().ShouldBe(1);
        var stopping = app.BeginStopAsync();
        await WaitUntilNotReadyAsync(client);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Should.ThrowAsync<HttpRequestException>(() => slow.WaitAsync(TimeSpan.FromSeconds(5)));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        metrics.Sum("handoff.requests.aborted").ShouldBe(1);
        metrics.Sum("handoff.requests.after_shutdown", ("handoff.phase", "delay")).ShouldBe(2);
        var drain = metrics.Values("handoff.drain.duration").ShouldHaveSingleItem();
        drain.ShouldBeInRange(0.4, 3);
        metrics.Values("handoff.shutdown_delay.duration").ShouldHaveSingleItem().ShouldBeInRange(0.4, 3);
        metrics.ObserveInFlight().ShouldBe(0);
    }

    [Fact]
    public async Task Drain_LongRequestWithinTimeout_Completes()
    {
        await using var app = await TestApp.StartAsync(o => o.DrainTimeoutSeconds = 10);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        var slow = client.GetAsync("/slow?ms=1500");
        var waited = Stopwatch.StartNew();
        while (app.SlowStarted == 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        // Server-side times: the request was running when the stop began, and the stop waited for it to finish
        // (a wall-clock bound here failed once when a starved test thread woke late).
        var stopBegan = Stopwatch.GetTimestamp();
        app.SlowStarted.ShouldNotBe(0L, "the slow request reached the server");
        app.SlowFinished.ShouldBe(0L, "the slow request was still running when the stop began");
        await app.BeginStopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var stopEnded = Stopwatch.GetTimestamp();

        var response = await slow;
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("slow ok");
        app.SlowFinished.ShouldBeGreaterThan(stopBegan);
        app.SlowFinished.ShouldBeLessThan(stopEnded, "the stop ended only after the request's work was done");
    }

    [Fact]
    public async Task PreStop_AdaptiveDelay_AnswersOneQuietPeriodAfterTrafficStops()
    {
        const double Quiet = 0.6;
        await using var app = await TestApp.StartAsync(o =>
        {
            o.ShutdownDelay.Mode = ShutdownDelayMode.Adaptive;
            o.ShutdownDelay.FloorSeconds = 0.2;
            o.ShutdownDelay.QuietPeriodSeconds = Quiet;
            o.ShutdownDelay.CeilingSeconds = 10;
        });
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var prober = new HttpClient { BaseAddress = app.BaseAddress };

        // Warm up both clients and the probe path first: the delay must be measured, not JIT compilation.
        (await prober.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await prober.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/healthz/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var preStop = client.GetAsync("/handoff/prestop");
        await WaitUntilNotReadyAsync(prober);

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1) && !preStop.IsCompleted)
        {
            (await prober.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
            await Task.Delay(50);
        }

        // Probes keep coming; they must not extend the delay.
        while (!preStop.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            (await prober.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            await Task.Delay(20);
        }

        var response = await preStop.WaitAsync(TimeSpan.FromSeconds(5));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        // Never before a full quiet period after the last request the server saw before it ended the delay. Measured
        // on the server: a client thread starved on a busy machine can 'send' a request that arrives only after the
        // delay ended (seen once in CI: sent 73 ms before the answer, with the server's quiet period already over).
        var end = app.PreStopAnswered;
        end.ShouldNotBe(0L);
        var lastArrival = app.RootArrivals.Where(t => t <= end).DefaultIfEmpty(0).Max();
        lastArrival.ShouldNotBe(0L, "requests to / arrived during the delay");
        var quietBeforeEnd = Stopwatch.GetElapsedTime(lastArrival, end);
        quietBeforeEnd.ShouldBeGreaterThan(TimeSpan.FromSeconds(Quiet - 0.05));

        // Ended by the quiet period, not the 10 s ceiling: one quiet period after traffic stopped plus scheduling
        // slack (timers fired 0.7 s late once on this shared VM, so the slack is 2 s: still far below the ceiling).
        quietBeforeEnd.ShouldBeLessThan(TimeSpan.FromSeconds(Quiet + 2));
    }

    [Fact]
    public async Task AddHandoff_LongDelayAndDrain_RaisesHostShutdownTimeout()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.ShutdownDelay.Mode = ShutdownDelayMode.Fixed;
            o.ShutdownDelay.Seconds = 40;
            o.DrainTimeoutSeconds = 25;
        });

        app.App.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout.ShouldBe(TimeSpan.FromSeconds(40 + 25 + 5));
    }

    [Fact]
    public async Task AddHandoff_InvalidConfiguration_StartFailsWithEveryError()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Handoff:ShutdownDelay:Mode"] = "Fixed",
            ["Handoff:ShutdownDelay:Seconds"] = "0",
            ["Handoff:DrainTimeoutSeconds"] = "-1",
        };

        var error = await Should.ThrowAsync<OptionsValidationException>(() => TestApp.StartAsync(configuration: configuration));

        error.Failures.Count().ShouldBe(2);
        error.Message.ShouldContain("'Handoff:ShutdownDelay:Seconds'");
        error.Message.ShouldContain("'Handoff:DrainTimeoutSeconds'");
    }

    private static Action<HandoffOptions> FixedDelay(double seconds) => o =>
    {
        o.ShutdownDelay.Mode = ShutdownDelayMode.Fixed;
        o.ShutdownDelay.Seconds = seconds;
    };

    private static Task WaitUntilNotReadyAsync(HttpClient client) => WaitUntilNotReadyAsync(client, client.BaseAddress!);

    private static async Task WaitUntilNotReadyAsync(HttpClient client, Uri baseAddress)
    {
        var stopwatch = Stopwatch.StartNew();
        while ((await client.GetAsync(new Uri(baseAddress, "/healthz/ready"))).StatusCode == HttpStatusCode.OK)
        {
            stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "readiness never failed");
            await Task.Delay(10);
        }
    }

    /// <summary>Records what the instruments of one app's <c>Handoff</c> meter report.</summary>
    private sealed class HandoffMeterRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public HandoffMeterRecorder(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Handoff" && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, t, _) => _measurements.Enqueue((i.Name, v, t.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, v, t, _) => _measurements.Enqueue((i.Name, v, t.ToArray())));
            _listener.Start();
        }

        public double ObserveInFlight()
        {
            _listener.RecordObservableInstruments();
            return _measurements.Last(m => m.Name == "handoff.requests.in_flight").Value;
        }

        public double Sum(string name, (string Key, string Value)? tag = null) =>
            _measurements.Where(m => m.Name == name && (tag is null || m.Tags.Any(t => t.Key == tag.Value.Key && Equals(t.Value, tag.Value.Value))))
                .Sum(m => m.Value);

        public IReadOnlyList<double> Values(string name) => [.. _measurements.Where(m => m.Name == name).Select(m => m.Value)];

        public void Dispose() => _listener.Dispose();
    }
}
