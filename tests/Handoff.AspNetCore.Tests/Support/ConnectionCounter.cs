using System.Net.Sockets;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>An HttpClient whose handler counts the TCP connections it opens.</summary>
internal sealed class ConnectionCounter : IDisposable
{
    private int _connections;

    public ConnectionCounter(Version? version = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (context, ct) =>
            {
                Interlocked.Increment(ref _connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        Client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        if (version is not null)
        {
            Client.DefaultRequestVersion = version;
            Client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
    }

    public HttpClient Client { get; }

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose() => Client.Dispose();
}
