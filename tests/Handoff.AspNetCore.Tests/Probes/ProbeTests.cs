using System.Diagnostics;
using System.Net;
using Handoff.AspNetCore.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Handoff.AspNetCore.Tests.Probes;

public sealed class ProbeTests
{
    [Fact]
    public async Task Probes_DefaultPaths_AnswerAfterStart()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        (await client.GetAsync("/healthz/startup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var live = await client.GetAsync("/healthz/live");
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        live.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Probes_PathsFromConfiguration_AreMappedThere()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Handoff:Probes:StartupPath"] = "/started",
            ["Handoff:Probes:ReadinessPath"] = "/ready",
            ["Handoff:Probes:LivenessPath"] = "/alive",
        };
        await using var app = await TestApp.StartAsync(configuration: configuration);
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        (await client.GetAsync("/started")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/alive")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Startup_StartupCheckFailsThenPasses_LatchesAndStaysPassed()
    {
        var check = new SwitchableCheck(HealthStatus.Unhealthy);
        await using var app = await TestApp.StartAsync(
            healthChecks: h => h.AddCheck("warm-cache", check, tags: [HandoffHealthTags.Startup]));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        (await client.GetAsync("/healthz/startup")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        check.Status = HealthStatus.Healthy;
        (await client.GetAsync("/healthz/startup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        check.Status = HealthStatus.Unhealthy;
        var calls = check.Calls;

        (await client.GetAsync("/healthz/startup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        check.Calls.ShouldBe(calls);
    }

    [Fact]
    public async Task Readiness_ReadyCheckUnhealthy_Returns503AndRecoversAfterCache()
    {
        var check = new SwitchableCheck(HealthStatus.Unhealthy);
        await using var app = await TestApp.StartAsync(
            o => o.Probes.ReadinessCacheSeconds = 0.2,
            h => h.AddCheck("database", check, tags: [HandoffHealthTags.Ready]));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        check.Status = HealthStatus.Healthy;
        await Task.Delay(300);

        (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Readiness_ProbedTwiceWithinCache_RunsChecksOnce()
    {
        var check = new SwitchableCheck(HealthStatus.Healthy);
        await using var app = await TestApp.StartAsync(
            o => o.Probes.ReadinessCacheSeconds = 30,
            h => h.AddCheck("database", check, tags: [HandoffHealthTags.Ready]));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        for (var i = 0; i < 5; i++)
        {
            (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        check.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task Liveness_DependencyUnhealthy_StaysOkAndRunsNoCheck()
    {
        var ready = new SwitchableCheck(HealthStatus.Unhealthy);
        var untagged = new SwitchableCheck(HealthStatus.Unhealthy);
        await using var app = await TestApp.StartAsync(healthChecks: h => h
            .AddCheck("database", ready, tags: [HandoffHealthTags.Ready])
            .AddCheck("other", untagged));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync("/healthz/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        ready.Calls.ShouldBe(0);
        untagged.Calls.ShouldBe(0);
    }

    [Fact]
    public async Task Readiness_ShutdownBegins_Returns503AtOnceWhileLivenessAndTrafficStayOk()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.ShutdownDelay.Mode = ShutdownDelayMode.Fixed;
            o.ShutdownDelay.Seconds = 2;
        });
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stopwatch = Stopwatch.StartNew();
        var stopping = app.BeginStopAsync();
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/healthz/ready")).StatusCode;
        }
        while (status == HttpStatusCode.OK && stopwatch.Elapsed < TimeSpan.FromSeconds(1));

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromMilliseconds(100));
        (await client.GetAsync("/healthz/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        stopping.IsCompleted.ShouldBeFalse();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Readiness_StopApplicationCalled_Returns503()
    {
        await using var app = await TestApp.StartAsync(o =>
        {
            o.ShutdownDelay.Mode = ShutdownDelayMode.Fixed;
            o.ShutdownDelay.Seconds = 1;
        });
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        app.App.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        (await client.GetAsync("/healthz/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await client.GetAsync("/healthz/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private sealed class SwitchableCheck(HealthStatus status) : IHealthCheck
    {
        private int _calls;

        public HealthStatus Status { get; set; } = status;

        public int Calls => Volatile.Read(ref _calls);

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HealthCheckResult(Status));
        }
    }
}
