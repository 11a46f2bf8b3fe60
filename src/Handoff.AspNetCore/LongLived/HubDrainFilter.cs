using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
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
/// from a server that went away. Long polling is left alone: each poll is a short request, drained like any other.
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
            || caller.Features.Get<IConnectionLifetimeNotificationFeature>() is not { } lifetime
            || caller.Features.Get<IHttpTransportFeature>()?.TransportType == HttpTransportType.LongPolling)
        {
            return;
        }

        connections.OpenHub(http, _ =>
        {
            lifetime.RequestClose();
            return Task.CompletedTask;
        });
    }
}
