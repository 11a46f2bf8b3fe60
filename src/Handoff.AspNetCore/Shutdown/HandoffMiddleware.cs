using Handoff.AspNetCore.Diagnostics;
using Handoff.AspNetCore.LongLived;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
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
    private readonly LongLivedConnections _longLived;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _closeConnectionsDuringDelay;
    private readonly PathString[] _probePaths;

    public HandoffMiddleware(
        RequestDelegate next,
        ShutdownCoordinator coordinator,
        RequestTracker tracker,
        LongLivedConnections longLived,
        TimeProvider time,
        IOptions<HandoffOptions> options,
        ILogger<HandoffMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _coordinator = coordinator;
        _tracker = tracker;
        _longLived = longLived;
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

        if (IsWebSocketUpgrade(context))
        {
            return InvokeWebSocketAsync(context);
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

    /// <summary>
    /// A WebSocket request is a connection, not a request in flight: it is not counted in the in-flight requests (an
    /// open socket would keep an adaptive delay and the drain waiting for nothing) but as a long-lived connection,
    /// closed with 1001 at its turn in the drain and aborted at the drain deadline if it is still open.
    /// </summary>
    private async Task InvokeWebSocketAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        finally
        {
            _longLived.Complete(context);
        }
    }

    /// <summary>
    /// A WebSocket handshake, read from the request itself (this middleware runs before the WebSockets middleware
    /// adds its feature): an HTTP/1.1 upgrade to "websocket", or an HTTP/2 extended CONNECT with that protocol.
    /// </summary>
    private static bool IsWebSocketUpgrade(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        }

        return context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            && context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);
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
        _longLived.Complete(context);
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
