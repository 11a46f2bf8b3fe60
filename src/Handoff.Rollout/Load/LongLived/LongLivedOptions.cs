namespace Handoff.Rollout.Load.LongLived;

/// <summary>Default values of <see cref="LongLivedOptions"/>.</summary>
public static class LongLivedDefaults
{
    /// <summary>Long-lived connections kept open at once.</summary>
    public const int Connections = 24;

    /// <summary>Time between two messages on one connection.</summary>
    public static readonly TimeSpan MessageInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait for a connect (TCP, upgrade or stream headers).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the next connect after a failed one (a connection that ended reconnects at once).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>At the end of the run: how long outstanding echoes are awaited before the client closes.</summary>
    public static readonly TimeSpan EchoGrace = TimeSpan.FromSeconds(2);
}

/// <summary>What the long-lived load generator keeps open, how often it sends and for how long.</summary>
public sealed record LongLivedOptions
{
    /// <summary>The URL every connection goes to (http:// ; the WebSocket upgrade uses ws:// on the same address).</summary>
    public required Uri Target { get; init; }

    /// <summary>The kind of connection: WebSocket, server-sent events or gRPC.</summary>
    public required TrafficKind Traffic { get; init; }

    /// <summary>Connections kept open at once; each reconnects when its connection ends.</summary>
    /// <remarks>Defaults to 24.</remarks>
    public int Connections { get; init; } = LongLivedDefaults.Connections;

    /// <summary>Time between two sequenced messages on one connection (ignored for server-sent events).</summary>
    /// <remarks>Defaults to 100 milliseconds.</remarks>
    public TimeSpan MessageInterval { get; init; } = LongLivedDefaults.MessageInterval;

    /// <summary>How long connections are kept; then every client closes its own.</summary>
    /// <remarks>Defaults to 30 seconds.</remarks>
    public TimeSpan Duration { get; init; } = LoadDefaults.Duration;

    /// <summary>Longest wait for a connect.</summary>
    /// <remarks>Defaults to 5 seconds.</remarks>
    public TimeSpan ConnectTimeout { get; init; } = LongLivedDefaults.ConnectTimeout;

    /// <summary>Wait before the next connect after a failed one.</summary>
    /// <remarks>Defaults to 250 milliseconds.</remarks>
    public TimeSpan RetryDelay { get; init; } = LongLivedDefaults.RetryDelay;

    /// <summary>At the end: how long outstanding echoes are awaited before the client closes.</summary>
    /// <remarks>Defaults to 2 seconds.</remarks>
    public TimeSpan EchoGrace { get; init; } = LongLivedDefaults.EchoGrace;

    /// <summary>Whether each client keeps its own connection pool, as separate client processes do, instead of all sharing one.</summary>
    /// <remarks>
    /// Defaults to false: one shared pool, where HTTP/2 streams (gRPC) share a connection. Behind a TCP (L4) load balancer
    /// a shared connection would put every stream on one pod, so the lab gives each client its own; after a GOAWAY
    /// the client's next stream opens a new connection, which the load balancer sends to a pod still in rotation.
    /// For gRPC a client's own connections are also read for the GOAWAY and RST_STREAM frames they receive
    /// (<see cref="SessionDetail.Http2Frames"/>), which only a connection that carries one client's streams can tell apart.
    /// </remarks>
    public bool ConnectionPerClient { get; init; }

    /// <summary>The response header that names the backend.</summary>
    /// <remarks>Defaults to "X-Backend".</remarks>
    public string BackendHeader { get; init; } = "X-Backend";

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Traffic.IsLongLived())
        {
            errors.Add($"Traffic '{Traffic.Name()}' is not long-lived; use the request load generator.");
        }

        if (!Target.IsAbsoluteUri || Target.Scheme != Uri.UriSchemeHttp)
        {
            errors.Add($"The target '{Target}' must be an absolute http:// URL.");
        }

        if (Connections is < 1 or > 10_000)
        {
            errors.Add($"Long-lived connections must be between 1 and 10000; got {Connections}.");
        }

        if (MessageInterval < TimeSpan.FromMilliseconds(1))
        {
            errors.Add("The message interval must be at least 1 ms.");
        }

        if (Duration <= TimeSpan.Zero || ConnectTimeout <= TimeSpan.Zero || RetryDelay < TimeSpan.Zero || EchoGrace < TimeSpan.Zero)
        {
            errors.Add("The duration and the connect timeout must be positive, the retry delay and echo grace not negative.");
        }

        return errors;
    }
}
