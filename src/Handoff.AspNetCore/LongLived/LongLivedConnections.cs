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
    private readonly ConcurrentDictionary<long, LongLivedSession> _open = new();
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

    /// <summary>Forgets the connection of a request that ended (the middleware calls it for every request).</summary>
    public void Complete(HttpContext context)
    {
        if (context.Features.Get<LongLivedSession>() is not { } session || !_open.TryRemove(session.Id, out _))
        {
            return;
        }

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
}

/// <summary>One long-lived connection: the token fired at its turn to close, and the close the library does itself.</summary>
internal sealed class LongLivedSession : IDisposable
{
    private readonly CancellationTokenSource _closeRequested = new();
    private readonly HttpContext _context;
    private readonly Func<CancellationToken, Task>? _close;
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

        if (_close is not null)
        {
            _ = CloseQuietlyAsync(_close);
        }
    }

    public void Abort()
    {
        Volatile.Write(ref _aborted, 1);
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
