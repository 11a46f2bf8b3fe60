using Handoff.AspNetCore.Diagnostics;
using Handoff.AspNetCore.Shutdown;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Probes;

/// <summary>Request handlers of the probe and preStop endpoints.</summary>
internal static class ProbeEndpoints
{
    public static async Task StartupAsync(HttpContext context, ProbeState probes) =>
        await WriteAsync(context, await probes.CheckStartupAsync(context.RequestAborted));

    public static async Task ReadinessAsync(HttpContext context, ProbeState probes) =>
        await WriteAsync(context, await probes.CheckReadinessAsync(context.RequestAborted));

    public static Task LivenessAsync(HttpContext context, ProbeState probes) =>
        WriteAsync(context, probes.CheckLiveness());

    public static async Task PreStopAsync(
        HttpContext context, ShutdownCoordinator coordinator, TimeProvider time, ILogger<ShutdownCoordinator> logger)
    {
        var started = time.GetTimestamp();
        Log.PreStopCalled(logger);
        coordinator.Begin("preStop hook");
        try
        {
            await coordinator.DelayOver.WaitAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The kubelet gave up on the hook (grace period over); it sends SIGTERM next anyway.
            return;
        }

        var elapsed = time.GetElapsedTime(started);
        Log.PreStopAnswered(logger, elapsed.TotalSeconds);
        await WriteAsync(context, ProbeResult.Pass("shutdown delay over"));
    }

    private static Task WriteAsync(HttpContext context, ProbeResult result)
    {
        var response = context.Response;
        response.StatusCode = result.Passed ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(result.Reason, context.RequestAborted);
    }
}
