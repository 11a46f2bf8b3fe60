using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Handoff.Rollout.Timeline;

namespace Handoff.Rollout.Load;

/// <summary>Live counters of a running load generator (for progress lines).</summary>
public sealed class LoadCounters
{
    private long _sent;
    private long _completed;
    private long _failed;
    private string? _firstError;

    /// <summary>Requests started.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Requests finished, either way.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Requests that failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>What the client saw on the first request that failed without a response (null until one does).</summary>
    /// <remarks>For a user who sees every request fail: the certificate, DNS or connection error in their words.</remarks>
    public string? FirstError => Volatile.Read(ref _firstError);

    internal void OnSent() => Interlocked.Increment(ref _sent);

    internal void OnError(Exception exception)
    {
        if (Volatile.Read(ref _firstError) is null)
        {
            Interlocked.CompareExchange(ref _firstError, Describe(exception), null);
        }
    }

    /// <summary>The outermost and innermost messages ("The SSL connection could not be established: The remote certificate is invalid ...").</summary>
    private static string Describe(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        // .NET's outer messages end in "see inner exception": the inner one is given right after instead.
        var outer = exception.Message.Replace(", see inner exception", string.Empty, StringComparison.Ordinal).TrimEnd('.');
        return ReferenceEquals(inner, exception) || exception.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? exception.Message
            : $"{outer}: {inner.Message}";
    }

    internal void OnCompleted(bool failed)
    {
        Interlocked.Increment(ref _completed);
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}

/// <summary>The result of one load run.</summary>
/// <param name="Records">Every request, ordered by start.</param>
/// <param name="Mode">How requests were paced.</param>
/// <param name="TargetRate">The open-loop rate (null in closed-loop mode).</param>
/// <param name="SendingTime">How long requests were started for.</param>
public sealed record LoadResult(IReadOnlyList<RequestRecord> Records, LoadMode Mode, int? TargetRate, TimeSpan SendingTime)
{
    /// <summary>Completed requests per second of sending time.</summary>
    public double AchievedRate => SendingTime > TimeSpan.Zero ? Records.Count / SendingTime.TotalSeconds : 0;
}

/// <summary>An HTTP/1.1 load generator over a pool of keep-alive connections that records every request, and never retries one.</summary>
/// <remarks>
/// Open-loop by default: request i starts at i / rate seconds whatever happened to earlier ones, so a stalled
/// backend cannot slow the client down and hide failures (no coordinated omission). Start and end are stamped
/// on the run's <see cref="RunClock"/>, the same one that stamps the rollout's timeline.
/// </remarks>
public sealed class LoadGenerator
{
    private readonly RunClock _clock;

    /// <summary>Creates a generator that stamps records with <paramref name="clock"/>.</summary>
    public LoadGenerator(RunClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
    }

    /// <summary>Live counters of the current run.</summary>
    public LoadCounters Counters { get; } = new();

    /// <summary>Sends load as <paramref name="options"/> say, until the duration ends or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public async Task<LoadResult> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectTimeout = options.Timeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        if (options.SkipCertificateCheck)
        {
            // Opt-in (--insecure), for a test endpoint with a self-signed certificate; the rollout is what is measured.
#pragma warning disable CA5359 // Do not disable certificate validation
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
#pragma warning restore CA5359
        }

        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        var records = new ConcurrentQueue<RequestRecord>();
        var sender = new Sender(invoker, options, _clock, records, Counters);

        var began = _clock.Timestamp();
        if (options.Mode == LoadMode.OpenLoop)
        {
            await RunOpenLoopAsync(sender, options, cancellationToken);
        }
        else
        {
            await RunClosedLoopAsync(sender, options, cancellationToken);
        }

        var sending = _clock.OffsetOf(_clock.Timestamp()) - _clock.OffsetOf(began);
        var ordered = records.OrderBy(r => r.Start).ToArray();
        return new LoadResult(ordered, options.Mode, options.Mode == LoadMode.OpenLoop ? options.RequestsPerSecond : null, Min(sending, options.Duration));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task RunOpenLoopAsync(Sender sender, LoadOptions options, CancellationToken cancellationToken)
    {
        // The schedule runs on its own thread: a busy thread pool (probes, process starts, the responses
        // themselves) must not delay when requests start.
        var inFlight = await Task.Factory.StartNew(
            () => Schedule(sender, options, cancellationToken),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        await Task.WhenAll(inFlight);
    }

    private List<Task> Schedule(Sender sender, LoadOptions options, CancellationToken cancellationToken)
    {
        var start = _clock.Timestamp();
        var inFlight = new List<Task>(capacity: 1024);
        long started = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = _clock.OffsetOf(_clock.Timestamp()) - _clock.OffsetOf(start);
            if (elapsed >= options.Duration)
            {
                break;
            }

            var due = (long)(elapsed.TotalSeconds * options.RequestsPerSecond) + 1;
            while (started < due)
            {
                started++;
                inFlight.Add(sender.SendAsync(cancellationToken));
            }

            if (inFlight.Count > 4096)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }

            // Sleep resolution on Linux is about 1 ms; the 'due' arithmetic catches up on any oversleep.
            Thread.Sleep(1);
        }

        return inFlight;
    }

    private static async Task RunClosedLoopAsync(Sender sender, LoadOptions options, CancellationToken cancellationToken)
    {
        using var duration = new CancellationTokenSource(options.Duration, sender.Time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, duration.Token);
        var workers = Enumerable.Range(0, options.Connections).Select(async _ =>
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                await sender.SendAsync(cancellationToken);
            }
        });
        await Task.WhenAll(workers);
    }

    /// <summary>Maps a client-side exception to the outcome a user would name.</summary>
    internal static RequestOutcome Classify(Exception exception, bool timedOut)
    {
        if (timedOut)
        {
            return RequestOutcome.Timeout;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => RequestOutcome.Refused,
                    SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => RequestOutcome.Reset,
                    SocketError.TimedOut => RequestOutcome.Timeout,
                    _ => RequestOutcome.OtherError,
                };
            }
        }

        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse })
        {
            return RequestOutcome.Reset;
        }

        return exception is IOException ? RequestOutcome.Reset : RequestOutcome.OtherError;
    }

    private sealed class Sender(HttpMessageInvoker invoker, LoadOptions options, RunClock clock, ConcurrentQueue<RequestRecord> records, LoadCounters counters)
    {
        /// <summary>The time source the run's timeouts wait on.</summary>
        public TimeProvider Time => clock.Time;

        /// <summary>A GET that SocketsHttpHandler never sends twice.</summary>
        /// <remarks>
        /// When a pooled HTTP/1.1 connection ends before the first response byte, SocketsHttpHandler re-sends the
        /// request on another connection, but only when the request has no content (HttpConnection.SendAsync marks it
        /// retryable on that premature EOF only if <c>request.Content is null</c>; dotnet/runtime issue 60644). Behind a
        /// load balancer the re-send lands on another pod and a request the killed pod had taken shows as a success.
        /// An empty body (sent as 'Content-Length: 0', which a GET may carry) makes every attempt the only one, so each
        /// request the server accepted and never answered is recorded as failed
        /// (LoadGeneratorTests.RunAsync_BackendKilledWithRequestsInFlight_RecordsEveryHeldRequestAsFailed).
        /// </remarks>
        private static HttpRequestMessage NewRequest(Uri target) =>
            new(HttpMethod.Get, target) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = new ByteArrayContent([]) };

        public async Task SendAsync(CancellationToken cancellationToken)
        {
            var startStamp = clock.Timestamp();
            counters.OnSent();
            using var timer = new CancellationTokenSource(options.Timeout, clock.Time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            RequestRecord record;
            try
            {
                using var request = NewRequest(options.Target);
                using var response = await invoker.SendAsync(request, timeout.Token);
                var status = (int)response.StatusCode;
                var backend = response.Headers.TryGetValues(options.BackendHeader, out var values) ? values.FirstOrDefault() : null;
                record = new RequestRecord(
                    clock.OffsetOf(startStamp),
                    clock.OffsetOf(clock.Timestamp()),
                    status >= 500 ? RequestOutcome.ServerError : RequestOutcome.Ok,
                    status,
                    backend);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or SocketException)
            {
                var timedOut = ex is OperationCanceledException && !cancellationToken.IsCancellationRequested;
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    // The run was stopped (Ctrl+C): the request was abandoned, not failed by the server.
                    return;
                }

                record = new RequestRecord(clock.OffsetOf(startStamp), clock.OffsetOf(clock.Timestamp()), Classify(ex, timedOut), null, null);
                counters.OnError(ex);
            }

            records.Enqueue(record);
            counters.OnCompleted(record.Failed);
        }
    }
}
