using Handoff.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore.Shutdown;

/// <summary>
/// Outermost middleware: counts requests in flight, arms their abort at the drain deadline, notes arrivals
/// after shutdown began and asks keep-alive clients to reconnect elsewhere during the delay.
/// </summary>
internal sealed class HandoffMiddleware
{
    private static readonly Action<object?> AbortRequest = static state => ((HttpContext)state!).Abort();

    private readonly RequestDelegate _next;
    private readonly ShutdownCoordinator _coordinator;
    private readonly RequestTracker _tracker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _closeConnectionsDuringDelay;
    private readonly PathString[] _probePaths;

    public HandoffMiddleware(
        RequestDelegate next,
        ShutdownCoordinator coordinator,
        RequestTracker tracker,
        TimeProvider time,
        IOptions<HandoffOptions> options,
        ILogger<HandoffMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _coordinator = coordinator;
        _tracker = tracker;
        _time = time;
        _logger = logger;
        var value = options.Value;
        _closeConnectionsDuringDelay = value.CloseConnectionsDuringDelay;
        _probePaths =
        [
            new PathString(value.Probes.StartupPath),
            new PathString(value.Probes.ReadinessPath),
            new PathString(value.Probes.LivenessPath),
            new PathString(value.PreStopPath),
        ];
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_coordinator.IsShuttingDown)
        {
            OnRequestDuringShutdown(context);
        }

        var started = _time.GetTimestamp();
        var ticket = _tracker.Enter(AbortRequest, context);
        Task pending;
        try
        {
            pending = _next(context);
        }
        catch
        {
            Exit(context, ticket, started);
            throw;
        }

        // Most requests complete synchronously; only the others pay for an async state machine.
        if (pending.IsCompletedSuccessfully)
        {
            Exit(context, ticket, started);
            return Task.CompletedTask;
        }

        return AwaitAsync(pending, context, ticket, started);
    }

    private async Task AwaitAsync(Task pending, HttpContext context, RequestTicket ticket, long started)
    {
        try
        {
            await pending;
        }
        finally
        {
            Exit(context, ticket, started);
        }
    }

    private void Exit(HttpContext context, in RequestTicket ticket, long started)
    {
        if (_tracker.Exit(ticket))
        {
            Log.RequestAborted(_logger, context.Request.Method, context.Request.Path.Value ?? "/", _time.GetElapsedTime(started).TotalSeconds);
        }
    }

    private void OnRequestDuringShutdown(HttpContext context)
    {
        var path = context.Request.Path;
        var isProbe = Array.Exists(_probePaths, p => p.Equals(path, StringComparison.OrdinalIgnoreCase));
        var phase = _coordinator.NoteRequest(isProbe);
        if (phase != ShutdownPhase.Delaying || !_closeConnectionsDuringDelay)
        {
            return;
        }

        // Kestrel answers RequestClose with 'Connection: close' on HTTP/1.1 and a GOAWAY frame on HTTP/2 and
        // HTTP/3, so clients finish this request and open their next connection to a pod that stays.
        var lifetime = context.Features.Get<IConnectionLifetimeNotificationFeature>();
        if (lifetime is not null)
        {
            lifetime.RequestClose();
        }
        else if (!context.Response.HasStarted && !HttpProtocol.IsHttp2(context.Request.Protocol) && !HttpProtocol.IsHttp3(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }
}
