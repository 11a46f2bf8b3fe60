using System.Collections.Concurrent;
using Handoff.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Handoff.AspNetCore.LongLived;

/// <summary>
/// The long-lived connections open now (accepted WebSockets, requests that asked for a close token), and their
/// spread-out close when the drain starts.
/// </summary>
internal sealed class LongLivedConnections : IHandoffDrain, IDisposable
{
    private static readonly TimeSpan HubPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<long, LongLivedSession> _open = new();
    private readonly ConcurrentDictionary<long, LongLivedSession> _hubs = new();
    private readonly LongLivedConnectionOptions _options;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _drainStarted = new();
    private readonly List<ITimer> _timers = [];
    private readonly Lock _gate = new();
    private long _nextId;
    private long _closedGracefully;
    private long _aborted;
    private TimeSpan _lastTurn;

    public LongLivedConnections(IOptions<HandoffOptions> options, TimeProvider time, ILogger<LongLivedConnections> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.LongLivedConnections;
        _window = _options.CloseWindowWithin(options.Value.DrainTimeoutSeconds);
        _time = time;
        _logger = logger;
    }

    /// <summary>Called with "graceful" or "aborted" when a connection ends after the drain started (the metrics set it).</summary>
    public Action<string>? Ended { get; set; }

    /// <inheritdoc />
    public CancellationToken DrainStarted => _drainStarted.Token;

    /// <summary>Gets the number of long-lived connections open now.</summary>
    public int Count => _open.Count;

    /// <summary>Gets the number of SignalR hub connections open now.</summary>
    public int HubCount => _hubs.Count;

    /// <summary>Gets the offset of the last close turn of the drain, from its start.</summary>
    public TimeSpan LastTurn
    {
        get
        {
            lock (_gate)
            {
                return _lastTurn;
            }
        }
    }

    /// <summary>Gets how many connections ended by themselves after being asked to close.</summary>
    public long ClosedGracefully => Interlocked.Read(ref _closedGracefully);

    /// <summary>Gets how many connections were still open at the drain deadline and aborted.</summary>
    public long Aborted => Interlocked.Read(ref _aborted);

    /// <inheritdoc />
    public CancellationToken RegisterLongLived(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Open(context, close: null).CloseRequested;
    }

    /// <summary>Registers a connection; one already registered for <paramref name="context"/> is returned as it is.</summary>
    /// <param name="context">The request that holds the connection.</param>
    /// <param name="close">What the library does at the connection's turn (close a WebSocket), besides firing its token.</param>
    public LongLivedSession Open(HttpContext context, Func<CancellationToken, Task>? close)
    {
        if (context.Features.Get<LongLivedSession>() is { } existing)
        {
            return existing;
        }

        var session = new LongLivedSession(Interlocked.Increment(ref _nextId), context, close);
        context.Features.Set(session);
        _open[session.Id] = session;
        if (_drainStarted.IsCancellationRequested)
        {
            // Opened while draining (the listener closes a moment after the drain starts): its turn is now.
            session.RequestClose();
        }

        return session;
    }

    /// <summary>
    /// Registers a SignalR hub connection: at its turn the hub closes it in its own words. SignalR disposes every hub
    /// connection when the host's stop begins, so the host waits for these (<see cref="WhenHubConnectionsClosedAsync"/>).
    /// </summary>
    /// <param name="context">The hub's request: for long polling, SignalR's copy of the first poll, which no request completes.</param>
    /// <param name="end">How the connection closes, aborts and tells that it has ended.</param>
    public void OpenHub(HttpContext context, IHubConnectionEnd end)
    {
        var session = Open(context, close: null);
        _hubs[session.Id] = session;
        session.AbortWith(end.Abort);
        session.CloseWith(_ =>
        {
            end.RequestClose();
            return Task.CompletedTask;
        });

        // A long-polling connection outlives each of its polls: it ends when SignalR disposes it, after the client
        // fetched the close message. The session, not the context, is passed: Kestrel reuses a request's context.
        end.Closed.Register(static state => ((Completion)state!).Run(), new Completion(this, session));
    }

    /// <summary>
    /// Waits until every hub connection open at the drain's start has closed at its turn, or the last turn plus
    /// <paramref name="grace"/> has passed; returns how many were still open.
    /// </summary>
    public async Task<int> WhenHubConnectionsClosedAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var bound = LastTurn + grace;

        while (!_hubs.IsEmpty && _time.GetElapsedTime(started) < bound)
        {
            await Task.Delay(HubPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        return _hubs.Count;
    }

    /// <summary>Forgets the connection of a request that ended (the middleware calls it for every request).</summary>
    public void Complete(HttpContext context)
    {
        if (context.Features.Get<LongLivedSession>() is { } session)
        {
            Complete(session);
        }
    }

    /// <summary>Forgets a connection that ended; the first of its ends (request, hub connection) counts.</summary>
    private void Complete(LongLivedSession session)
    {
        if (!_open.TryRemove(session.Id, out _))
        {
            return;
        }

        _hubs.TryRemove(session.Id, out _);

        session.Dispose();
        if (!_drainStarted.IsCancellationRequested)
        {
            return;
        }

        Interlocked.Increment(ref _closedGracefully);
        Ended?.Invoke("graceful");
    }

    /// <summary>Starts the drain: fires <see cref="DrainStarted"/> and schedules every open connection's close.</summary>
    /// <returns>How many connections were asked to close.</returns>
    public int BeginClosing()
    {
        lock (_gate)
        {
            if (_drainStarted.IsCancellationRequested)
            {
                return 0;
            }

            _drainStarted.Cancel();
            var sessions = _open.Values.OrderBy(s => s.Id).ToList();
            var offsets = CloseSchedule.Offsets(sessions.Count, _window, _options.MaxClosesPerSecond, Random.Shared);
            if (sessions.Count > 0)
            {
                _lastTurn = offsets[^1];
                Log.LongLivedClosing(_logger, sessions.Count, offsets[^1].TotalSeconds, _options.MaxClosesPerSecond);
            }

            for (var i = 0; i < sessions.Count; i++)
            {
                _timers.Add(_time.CreateTimer(static state => ((LongLivedSession)state!).RequestClose(), sessions[i], offsets[i], Timeout.InfiniteTimeSpan));
            }

            return sessions.Count;
        }
    }

    /// <summary>Aborts every connection still open (the drain deadline); returns how many there were.</summary>
    public int AbortRemaining()
    {
        var aborted = 0;
        foreach (var session in _open.Values.ToList())
        {
            // Removed first, so a connection that ends at this moment is counted once, as whichever came first.
            if (!_open.TryRemove(session.Id, out _))
            {
                continue;
            }

            _hubs.TryRemove(session.Id, out _);
            session.Abort();
            session.Dispose();
            aborted++;
            Interlocked.Increment(ref _aborted);
            Ended?.Invoke("aborted");
        }

        if (aborted > 0)
        {
            Log.LongLivedAborted(_logger, aborted);
        }

        return aborted;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }
        }

        _drainStarted.Dispose();
    }

    private sealed record Completion(LongLivedConnections Connections, LongLivedSession Session)
    {
        public void Run() => Connections.Complete(Session);
    }
}

/// <summary>How the drain ends a SignalR hub connection, whatever its transport.</summary>
internal interface IHubConnectionEnd
{
    /// <summary>Gets a token that fires when the connection has ended (SignalR disposed it, or it was aborted).</summary>
    CancellationToken Closed { get; }

    /// <summary>Asks SignalR to close the connection with a close message that allows reconnecting.</summary>
    void RequestClose();

    /// <summary>Aborts the connection.</summary>
    void Abort();
}

/// <summary>One long-lived connection: the token fired at its turn to close, and the close the library does itself.</summary>
internal sealed class LongLivedSession : IDisposable
{
    private readonly CancellationTokenSource _closeRequested = new();
    private readonly HttpContext _context;
    private Func<CancellationToken, Task>? _close;
    private Action? _abort;
    private int _requested;
    private int _aborted;

    public LongLivedSession(long id, HttpContext context, Func<CancellationToken, Task>? close)
    {
        Id = id;
        _context = context;
        _close = close;
    }

    public long Id { get; }

    public CancellationToken CloseRequested => _closeRequested.Token;

    public bool WasAborted => Volatile.Read(ref _aborted) == 1;

    public void RequestClose()
    {
        if (Interlocked.Exchange(ref _requested, 1) == 1)
        {
            return;
        }

        try
        {
            _closeRequested.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended while its turn came: nothing to close.
            return;
        }

        if (Volatile.Read(ref _close) is { } close)
        {
            _ = CloseQuietlyAsync(close);
        }
    }

    /// <summary>
    /// Replaces what the library does at the connection's turn: a protocol on top of the connection (a SignalR hub
    /// over a WebSocket) closes it in its own words instead. A turn that has already come runs the new close at once.
    /// </summary>
    public void CloseWith(Func<CancellationToken, Task> close)
    {
        Volatile.Write(ref _close, close);
        if (_closeRequested.IsCancellationRequested)
        {
            _ = CloseQuietlyAsync(close);
        }
    }

    /// <summary>Replaces how the connection aborts: a SignalR connection over long polling holds no one request.</summary>
    public void AbortWith(Action abort) => Volatile.Write(ref _abort, abort);

    public void Abort()
    {
        Volatile.Write(ref _aborted, 1);
        if (Volatile.Read(ref _abort) is { } abort)
        {
            abort();
            return;
        }

        _context.Abort();
    }

    public void Dispose()
    {
        // A timer that fires after the connection ended finds its turn taken.
        Interlocked.Exchange(ref _requested, 1);
        _closeRequested.Dispose();
    }

    private async Task CloseQuietlyAsync(Func<CancellationToken, Task> close)
    {
        try
        {
            await close(_context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The client went away first: nothing left to close.
        }
    }
}
