using System.Net;
using System.Net.Sockets;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Testing;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>A real HTTP server on 127.0.0.1 standing for the pods behind a load balancer: round robin, X-Backend names the pod, 503 from a stopped pod.</summary>
internal sealed class ScriptedBackends : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<string> _serving = [];
    private readonly HashSet<string> _stopped = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private readonly int? _status;
    private readonly int _healthyFirst;
    private int _next;
    private int _served;
    private int _failed;

    /// <summary>
    /// Starts the server; with <paramref name="status"/>, every answer has that status (a single pod 'app'), except
    /// the first <paramref name="healthyFirst"/> answers, which are 200 (a service that works until the rollout).
    /// </summary>
    public ScriptedBackends(int? status = null, int healthyFirst = 0)
    {
        _status = status;
        _healthyFirst = healthyFirst;
        if (status is not null)
        {
            _serving.Add("app");
        }

        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri Url { get; }

    public int Served => Volatile.Read(ref _served);

    public int Failed => Volatile.Read(ref _failed);

    public void Add(string pod)
    {
        lock (_gate)
        {
            _serving.Add(pod);
        }
    }

    public void Remove(string pod)
    {
        lock (_gate)
        {
            _serving.Remove(pod);
        }
    }

    public void Stop(string pod)
    {
        lock (_gate)
        {
            _stopped.Add(pod);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _listener.Close();
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            string pod;
            bool stopped;
            lock (_gate)
            {
                pod = _serving[_next++ % _serving.Count];
                stopped = _stopped.Contains(pod);
            }

            var served = Interlocked.Increment(ref _served);
            var status = served <= _healthyFirst ? 200 : _status ?? (stopped ? 503 : 200);
            if (status >= 500)
            {
                Interlocked.Increment(ref _failed);
            }

            context.Response.StatusCode = status;
            context.Response.Headers["X-Backend"] = pod;
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
