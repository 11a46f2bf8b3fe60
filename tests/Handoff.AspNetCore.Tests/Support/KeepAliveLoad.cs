using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>
/// Steady load from keep-alive HTTP/1.1 clients (one connection each, reused until the server asks to close),
/// bounded in count and time. Records every outcome.
/// </summary>
internal sealed class KeepAliveLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly List<HttpClient> _clients = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _maxRequests;
    private long _sent;
    private long _ok;
    private long _refused;
    private long _unaccepted;
    private long _failed;
    private long _connectionClose;
    private long _connections;
    private long _lastSentTicks;
    private long _lastDoneTicks;

    private KeepAliveLoad(int maxRequests) => _maxRequests = maxRequests;

    public long Ok => Interlocked.Read(ref _ok);

    /// <summary>Gets the requests whose connection the server refused: the listener was closed, nothing was accepted.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Gets the requests reset on a connection that had not carried a response yet: the kernel completed the
    /// handshake, but the listening socket closed with the connection still in its accept queue, so the app never
    /// saw it. Like <see cref="Refused"/>, nothing was accepted; in a cluster no connection arrives that late.
    /// </summary>
    public long ResetBeforeAccept => Interlocked.Read(ref _unaccepted);

    /// <summary>Gets the requests that failed in any other way.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public long ConnectionCloseResponses => Interlocked.Read(ref _connectionClose);

    public long Connections => Interlocked.Read(ref _connections);

    public List<string> Errors { get; } = [];

    /// <summary>Gets the time since the load started at which the last request that got an answer was sent.</summary>
    public TimeSpan LastAnsweredSent => TimeSpan.FromTicks(Interlocked.Read(ref _lastSentTicks));

    /// <summary>Gets the time since the load started at which the last answer arrived.</summary>
    public TimeSpan LastAnsweredDone => TimeSpan.FromTicks(Interlocked.Read(ref _lastDoneTicks));

    public TimeSpan Elapsed => _clock.Elapsed;

    public static KeepAliveLoad Start(Uri target, int clients, TimeSpan pause, int maxRequests)
    {
        var load = new KeepAliveLoad(maxRequests);
        for (var i = 0; i < clients; i++)
        {
            var connection = new ConnectionState();
            var client = load.CreateClient(connection);
            load._clients.Add(client);
            load._workers.Add(Task.Run(() => load.RunAsync(client, connection, target, pause)));
        }

        return load;
    }

    /// <summary>Stops sending and waits for the clients to finish their current request.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers).WaitAsync(TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _stop.Dispose();
        }
    }

    private HttpClient CreateClient(ConnectionState connection)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    Interlocked.Increment(ref _connections);
                    connection.Answered = false;
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private async Task RunAsync(HttpClient client, ConnectionState connection, Uri target, TimeSpan pause)
    {
        while (!_stop.IsCancellationRequested && Interlocked.Increment(ref _sent) <= _maxRequests)
        {
            var sent = _clock.Elapsed;
            try
            {
                using var response = await client.GetAsync(target, CancellationToken.None);
                await response.Content.ReadAsStringAsync(CancellationToken.None);
                connection.Answered = true;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _ok);
                    if (response.Headers.ConnectionClose == true)
                    {
                        Interlocked.Increment(ref _connectionClose);
                    }

                    Interlocked.Exchange(ref _lastSentTicks, sent.Ticks);
                    Interlocked.Exchange(ref _lastDoneTicks, _clock.Elapsed.Ticks);
                }
                else
                {
                    Record(ref _failed, $"status {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                Interlocked.Increment(ref _refused);
                await PauseAsync(TimeSpan.FromMilliseconds(20));
            }
            catch (HttpRequestException ex) when (!connection.Answered && IsReset(ex))
            {
                Interlocked.Increment(ref _unaccepted);
                await PauseAsync(TimeSpan.FromMilliseconds(20));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                Record(ref _failed, $"{ex.GetType().Name}: {ex.Message} {ex.InnerException?.Message}");
            }

            await PauseAsync(pause);
        }
    }

    private static bool IsReset(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                return true;
            }
        }

        return false;
    }

    private async Task PauseAsync(TimeSpan pause)
    {
        try
        {
            await Task.Delay(pause, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private void Record(ref long counter, string error)
    {
        Interlocked.Increment(ref counter);
        lock (Errors)
        {
            Errors.Add(error);
        }
    }

    /// <summary>Whether the client's current connection has carried a response yet (one connection per client).</summary>
    private sealed class ConnectionState
    {
        private volatile bool _answered;

        public bool Answered
        {
            get => _answered;
            set => _answered = value;
        }
    }
}
