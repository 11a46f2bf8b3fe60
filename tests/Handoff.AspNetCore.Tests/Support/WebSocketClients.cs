using System.Diagnostics;
using System.Net.WebSockets;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>Real WebSocket clients against an app's '/ws' echo endpoint, and how each connection ended.</summary>
internal static class WebSocketClients
{
    /// <summary>Opens <paramref name="count"/> sockets and checks each echoes one message.</summary>
    public static async Task<List<ClientWebSocket>> ConnectAsync(Uri baseAddress, int count)
    {
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/ws" }.Uri;
        var clients = new List<ClientWebSocket>();
        for (var i = 0; i < count; i++)
        {
            var client = new ClientWebSocket();
            await client.ConnectAsync(uri, CancellationToken.None);
            var hello = "hello"u8.ToArray();
            await client.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            var echo = new byte[16];
            (await client.ReceiveAsync(echo, CancellationToken.None)).Count.ShouldBe(hello.Length);
            clients.Add(client);
        }

        return clients;
    }

    /// <summary>Reads until the connection ends: a close frame (answered, as browsers do) or an abnormal end.</summary>
    /// <param name="client">The socket.</param>
    /// <param name="since">A <see cref="Stopwatch"/> timestamp the end is timed from.</param>
    public static async Task<SocketEnd> ReadUntilEndAsync(ClientWebSocket client, long since)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var result = await client.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var seconds = Stopwatch.GetElapsedTime(since).TotalSeconds;
                    await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return new SocketEnd(result.CloseStatus, seconds, Abnormal: false);
                }
            }
        }
        catch (WebSocketException)
        {
            return new SocketEnd(null, Stopwatch.GetElapsedTime(since).TotalSeconds, Abnormal: true);
        }
    }

    public static void DisposeAll(IEnumerable<ClientWebSocket> clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}

/// <summary>How a WebSocket ended: the close status received (null if none), when, and whether it was abnormal.</summary>
internal sealed record SocketEnd(WebSocketCloseStatus? Status, double Seconds, bool Abnormal);
