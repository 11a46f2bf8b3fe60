using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace Handoff.AspNetCore.LongLived;

/// <summary>
/// Closes SignalR hub connections at their turn in the drain with the hub's own close message, marked "allow
/// reconnect", so a client with automatic reconnect connects again (to another pod) instead of reporting an error.
/// </summary>
/// <remarks>
/// SignalR's hub connection reacts to a close request on its connection (<see cref="IConnectionLifetimeNotificationFeature"/>,
/// what SignalR itself uses when a token expires) by sending a close message with <c>allowReconnect: true</c> and then
/// ending its transport; over WebSockets that replaces the library's plain 1001 close, which a client could not tell
/// from a server that went away. Every transport is handled the same way: over long polling the close message is the
/// answer to the client's pending (or next) poll, and the connection outlives each poll request, so it counts as ended
/// when SignalR disposes it (<see cref="IConnectionLifetimeFeature.ConnectionClosed"/>), not when a request ends.
/// SignalR disposes every connection still open when the host's stop reaches <c>ApplicationStopping</c> (a reset, for
/// WebSockets), so the host waits for the hub connections' turns before that (<see cref="LongLivedConnections.WhenHubConnectionsClosedAsync"/>).
/// </remarks>
internal sealed class HubDrainFilter(LongLivedConnections connections) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await next(context).ConfigureAwait(false);

        var caller = context.Context;
        if (caller.GetHttpContext() is not { } http
            || caller.Features.Get<IConnectionLifetimeNotificationFeature>() is not { } notification
            || caller.Features.Get<IConnectionLifetimeFeature>() is not { } lifetime)
        {
            return;
        }

        connections.OpenHub(http, new HubConnectionEnd(notification, lifetime));
    }

    /// <summary>How the drain ends one hub connection, whatever its transport.</summary>
    private sealed class HubConnectionEnd(IConnectionLifetimeNotificationFeature notification, IConnectionLifetimeFeature lifetime)
        : IHubConnectionEnd
    {
        public CancellationToken Closed => lifetime.ConnectionClosed;

        public void RequestClose() => notification.RequestClose();

        // The connection's own abort: for long polling the hub's HttpContext is a copy of the first poll's, and
        // aborting it would reach no request; the connection aborts the poll in flight, if there is one.
        public void Abort() => lifetime.Abort();
    }
}
