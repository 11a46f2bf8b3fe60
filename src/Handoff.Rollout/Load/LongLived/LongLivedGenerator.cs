using System.Collections.Concurrent;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Load.LongLived;

/// <summary>Keeps a set of long-lived connections open (WebSocket, server-sent events, gRPC), sends sequenced messages, reconnects, and records everything.</summary>
/// <remarks>
/// <para>Each of <see cref="LongLivedOptions.Connections"/> clients connects, sends message n every interval and expects n
/// echoed, and reconnects as soon as its connection ends (after <see cref="LongLivedOptions.RetryDelay"/> when a
/// connect failed). It never retries a message behind the report's back; what it records:</para>
/// <list type="bullet">
/// <item>one <see cref="TrafficUnit.Connection"/> (gRPC: <see cref="TrafficUnit.Stream"/>) record per connection or failed connect, with its ending;</item>
/// <item>one <see cref="TrafficUnit.Message"/> record (<see cref="RequestOutcome.MessageLost"/>) per message sent and not echoed on a connection that ended abnormally.</item>
/// </list>
/// <para>A clean close (1000/1001, grpc-status 0/14) tells the client its unechoed messages were not processed: it
/// sends them again on its next connection, as a real client does, and they are counted as resent, not lost. After an
/// abnormal end the client cannot know, so they are lost. Times are stamped on the run's <see cref="RunClock"/>.</para>
/// </remarks>
public sealed class LongLivedGenerator
{
    private readonly RunClock _clock;
    private long _nextSequence;

    /// <summary>Creates a generator that stamps records with <paramref name="clock"/>.</summary>
    public LongLivedGenerator(RunClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>Live counters: messages (events) sent, records finished and failed.</summary>
    public LoadCounters Counters { get; } = new();

    /// <summary>Keeps the connections open as <paramref name="options"/> say, then closes them and returns every record.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public async Task<LoadResult> RunAsync(LongLivedOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        using var shared = new HttpMessageInvoker(NewHandler(options), disposeHandler: true);
        using var duration = new CancellationTokenSource(options.Duration, _clock.Time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, duration.Token);
        var records = new ConcurrentQueue<RequestRecord>();
        var began = _clock.Elapsed;

        // Connects are spread over the first half second, as clients of a real service do not all start in one instant.
        var clients = Enumerable.Range(0, options.Connections).Select(i => Task.Run(async () =>
        {
            await DelayAsync(TimeSpan.FromMilliseconds(500.0 * i / options.Connections), stop.Token);
            if (!options.ConnectionPerClient)
            {
                await new Client(this, options, shared, records).RunAsync(stop.Token);
                return;
            }

            // A client's own connections are read for GOAWAY and RST_STREAM (gRPC): they carry only its streams.
            var frames = options.Traffic.IsGrpc() ? new ControlFrameLog() : null;
            using var own = new HttpMessageInvoker(NewHandler(options, frames), disposeHandler: true);
            await new Client(this, options, own, records, frames).RunAsync(stop.Token);
        }, CancellationToken.None));
        await Task.WhenAll(clients);
        var sending = _clock.Elapsed - began;
        return new LoadResult([.. records.OrderBy(r => r.Start)], LoadMode.ClosedLoop, null, sending < options.Duration ? sending : options.Duration);
    }

    private static SocketsHttpHandler NewHandler(LongLivedOptions options, ControlFrameLog? frames = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        if (frames is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }

                return new Http2FrameObserver(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true), frames.Add);
            };
        }

        return handler;
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _clock.Time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static LongLivedSession Create(LongLivedOptions options, HttpMessageInvoker invoker) => options.Traffic switch
    {
        TrafficKind.WebSocket => new WebSocketSession(options.Target, invoker, options.BackendHeader),
        TrafficKind.Sse => new SseSession(options.Target, invoker, options.BackendHeader),
        TrafficKind.GrpcTicks => new GrpcEchoSession(options.Target, invoker, options.BackendHeader, options.MessageInterval),
        _ => new GrpcEchoSession(options.Target, invoker, options.BackendHeader),
    };

    /// <summary>One client: its connections one after another, and the messages a clean close left unechoed.</summary>
    private sealed class Client(LongLivedGenerator generator, LongLivedOptions options, HttpMessageInvoker invoker, ConcurrentQueue<RequestRecord> records, ControlFrameLog? frames = null)
    {
        private readonly RunClock _clock = generator._clock;
        private readonly LoadCounters _counters = generator.Counters;
        private readonly TrafficUnit _unit = options.Traffic.IsGrpc() ? TrafficUnit.Stream : TrafficUnit.Connection;
        private List<long> _carried = [];
        private TimeSpan? _previousEnd;

        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var connected = await ConnectionAsync(stop);
                if (!connected && !await generator.DelayAsync(options.RetryDelay, stop))
                {
                    return;
                }
            }
        }

        // One connection from connect to end; false when the connect failed.
        private async Task<bool> ConnectionAsync(CancellationToken stop)
        {
            var start = _clock.Elapsed;
            var isReconnect = _previousEnd is not null;
            frames?.Clear();
            await using var session = Create(options, invoker);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(options.ConnectTimeout);
                await session.ConnectAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or System.Net.WebSockets.WebSocketException or System.Net.Sockets.SocketException or SessionRefusedException)
            {
                if (stop.IsCancellationRequested)
                {
                    return true;
                }

                var refused = ex as SessionRefusedException;
                var outcome = refused is not null ? (refused.Status >= 500 ? RequestOutcome.ServerError : RequestOutcome.OtherError) : LoadGenerator.Classify(ex, ex is OperationCanceledException);
                var failure = new SessionDetail(start, options.Traffic, $"connect failed: {ex.Message}", null, null, "network", 0, 0, 0, isReconnect, null);
                Add(new RequestRecord(start, _clock.Elapsed, outcome, refused?.Status, refused?.Backend, _unit, failure));
                _counters.OnError(ex);
                return false;
            }

            var established = _clock.Elapsed;
            var pending = new ConcurrentDictionary<long, TimeSpan>();
            var received = 0;
            var receiving = session.ReceiveAsync(
                sequence =>
                {
                    if (!session.SendsMessages || pending.TryRemove(sequence, out _))
                    {
                        Interlocked.Increment(ref received);
                    }
                },
                CancellationToken.None);

            var (sent, resent) = session.SendsMessages ? await SendUntilEndAsync(session, pending, receiving, stop) : (0, 0);
            if (!session.SendsMessages)
            {
                _counters.OnSent();
                await Task.WhenAny(receiving, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
            }

            var ending = await EndAsync(session, pending, receiving);
            var end = _clock.Elapsed;
            var detail = new SessionDetail(start, options.Traffic, ending.Ending, ending.CloseCode, ending.GrpcStatus, ending.ClosedBy, sent, received, resent, isReconnect, isReconnect ? established - _previousEnd : null, frames?.TakeAll());
            Add(new RequestRecord(start, end, ending.Outcome, null, session.Backend, _unit, detail));

            var unechoed = pending.OrderBy(p => p.Key).ToList();
            if (ending.Clean && !stop.IsCancellationRequested)
            {
                // The server closed on purpose: what it did not echo it did not process; send it again.
                _carried = [.. unechoed.Select(p => p.Key)];
            }
            else
            {
                foreach (var (_, sentAt) in unechoed)
                {
                    Add(new RequestRecord(sentAt, end, RequestOutcome.MessageLost, null, session.Backend, TrafficUnit.Message, detail));
                }

                _carried = [];
            }

            _previousEnd = end;
            return true;
        }

        private async Task<(int Sent, int Resent)> SendUntilEndAsync(LongLivedSession session, ConcurrentDictionary<long, TimeSpan> pending, Task receiving, CancellationToken stop)
        {
            var sent = 0;
            var resent = 0;
            var queue = new Queue<long>(_carried);
            _carried = [];
            while (!receiving.IsCompleted && !stop.IsCancellationRequested)
            {
                var again = queue.TryDequeue(out var carried);
                var sequence = again ? carried : Interlocked.Increment(ref generator._nextSequence);
                pending[sequence] = _clock.Elapsed;
                try
                {
                    // Not the stop token: cancelling a send resets the HTTP/2 stream (RST_STREAM CANCEL) or aborts the
                    // WebSocket, which is not the client's clean close. At the end of the run the send finishes on its
                    // own and its echo is awaited like any other.
                    await session.SendAsync(sequence, CancellationToken.None).WaitAsync(stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    sent++;
                    resent += again ? 1 : 0;
                    _counters.OnSent();
                    break;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // Not sent: the connection is ending, and its receive says how. The message goes out on the next one.
                    pending.TryRemove(sequence, out _);
                    _carried = [sequence, .. queue];
                    break;
                }

                sent++;
                resent += again ? 1 : 0;
                _counters.OnSent();

                // Carried messages go out back to back, then one message per interval.
                if (queue.Count == 0)
                {
                    await Task.WhenAny(receiving, Task.Delay(options.MessageInterval, _clock.Time, CancellationToken.None));
                }
            }

            return (sent, resent);
        }

        // The run ended: wait for outstanding echoes, then close from the client side; or the connection ended by itself.
        private async Task<SessionEnding> EndAsync(LongLivedSession session, ConcurrentDictionary<long, TimeSpan> pending, Task<SessionEnding> receiving)
        {
            if (!receiving.IsCompleted)
            {
                var waited = _clock.Elapsed;
                while (!pending.IsEmpty && !receiving.IsCompleted && _clock.Elapsed - waited < options.EchoGrace)
                {
                    await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromMilliseconds(10), _clock.Time, CancellationToken.None));
                }

                try
                {
                    // Not a cancellation token: cancelling a WebSocket's close aborts the socket, which is not the client's clean close.
                    await session.CloseAsync(CancellationToken.None).WaitAsync(options.EchoGrace, _clock.Time);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or TimeoutException or System.Net.WebSockets.WebSocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // The connection ended meanwhile; the receive says how.
                }

                if (await Task.WhenAny(receiving, Task.Delay(options.EchoGrace, _clock.Time, CancellationToken.None)) != receiving)
                {
                    return new SessionEnding(false, RequestOutcome.AbnormalClose, "the server did not answer the client's close", "client");
                }
            }

            try
            {
                return await receiving;
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException or System.Net.WebSockets.WebSocketException or System.Net.Sockets.SocketException)
            {
                // A receive that failed in a way its session did not classify: still an end the report must show.
                return new SessionEnding(false, RequestOutcome.AbnormalClose, $"aborted: {ex.Message}", "network");
            }
        }

        private void Add(RequestRecord record)
        {
            records.Enqueue(record);
            _counters.OnCompleted(record.Failed);
        }
    }

    /// <summary>The GOAWAY and RST_STREAM frames one client's connections received since the last <see cref="TakeAll"/>.</summary>
    private sealed class ControlFrameLog
    {
        private readonly Lock _lock = new();
        private readonly List<Http2ControlFrame> _frames = [];

        public void Add(Http2ControlFrame frame)
        {
            lock (_lock)
            {
                _frames.Add(frame);
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _frames.Clear();
            }
        }

        /// <summary>The frames in order of arrival ("GOAWAY (NO_ERROR), RST_STREAM (NO_ERROR)"), or null when none came; the log is emptied.</summary>
        public string? TakeAll()
        {
            lock (_lock)
            {
                var taken = _frames.Count == 0 ? null : string.Join(", ", _frames);
                _frames.Clear();
                return taken;
            }
        }
    }
}
