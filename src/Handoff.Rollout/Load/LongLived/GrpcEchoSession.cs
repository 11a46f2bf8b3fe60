using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Handoff.Rollout.Load.LongLived;

/// <summary>One StreamEcho call over HTTP/2 cleartext (prior knowledge), written on HttpClient directly: bidirectional Echo, or server-streaming Ticks.</summary>
/// <remarks>
/// No gRPC client library: the call is one HTTP/2 POST whose request body stays open (duplex), messages framed by
/// <see cref="GrpcWire"/>, and the grpc-status read from the trailers. So nothing is ever retried or hedged behind
/// the lab's back, and a reset stream is seen as what it is. A stream that ends with grpc-status 0 (OK) or 14
/// (UNAVAILABLE: the server is going away, the client should retry elsewhere) is a clean end; a stream reset, cut off
/// or ended without a grpc-status is abnormal. Ticks sends one TicksRequest and ends its request body at once
/// (END_STREAM), then only reads.
/// </remarks>
internal sealed class GrpcEchoSession(Uri target, HttpMessageInvoker invoker, string backendHeader, TimeSpan? ticksInterval = null) : LongLivedSession
{
    /// <summary>The Echo method's path, from stream_echo.proto's package, service and method.</summary>
    public const string EchoMethod = "/handoff.lab.v1.StreamEcho/Echo";

    /// <summary>The Ticks method's path.</summary>
    public const string TicksMethod = "/handoff.lab.v1.StreamEcho/Ticks";

    private readonly DuplexContent _content = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private Task<HttpResponseMessage>? _response;
    private Stream? _requestBody;
    private int _closing;

    public override bool SendsMessages => ticksInterval is null;

    public override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, target)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = _content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        _content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        _response = invoker.SendAsync(request, _lifetime.Token);

        // The stream is open once the handler asks for the request body; a refused connect fails the send first.
        var opened = await Task.WhenAny(_content.Body, _response).WaitAsync(cancellationToken);
        if (opened == _response)
        {
            using var answer = await _response;
            throw new SessionRefusedException((int)answer.StatusCode, answer.Headers.TryGetValues(backendHeader, out var values) ? values.FirstOrDefault() : null);
        }

        _requestBody = await _content.Body;
        if (ticksInterval is { } interval)
        {
            await _requestBody.WriteAsync(GrpcWire.TicksFrame((int)interval.TotalMilliseconds), cancellationToken);
            await _requestBody.FlushAsync(cancellationToken);
            _content.Complete();
        }
    }

    public override async Task SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var frame = GrpcWire.EchoFrame(sequence, "handoff");
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _requestBody!.WriteAsync(frame, cancellationToken);
            await _requestBody.FlushAsync(cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override async Task<SessionEnding> ReceiveAsync(Action<long> onMessage, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _response!.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (Volatile.Read(ref _closing) != 0)
        {
            return new SessionEnding(true, RequestOutcome.Ok, "cancelled by the client", "client");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new SessionEnding(false, RequestOutcome.AbnormalClose, $"stream reset before its headers: {Innermost(ex)}", "network");
        }

        using (response)
        {
            Backend = response.Headers.TryGetValues(backendHeader, out var values) ? values.FirstOrDefault() : Backend;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return new SessionEnding(false, (int)response.StatusCode >= 500 ? RequestOutcome.ServerError : RequestOutcome.OtherError,
                    string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} instead of a gRPC stream"), "server");
            }

            // Ticks ends when the client cancels it: the lifetime token cancels the reads too.
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            cancellationToken = reading.Token;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var prefix = new byte[GrpcWire.PrefixLength];
                while (await ReadExactlyOrEndAsync(body, prefix, cancellationToken))
                {
                    if (GrpcWire.MessageLength(prefix) is not { } length || length > 1 << 20)
                    {
                        return new SessionEnding(false, RequestOutcome.AbnormalClose, "a compressed or oversized message the lab did not ask for", "server");
                    }

                    var message = new byte[length];
                    if (!await ReadExactlyOrEndAsync(body, message, cancellationToken))
                    {
                        return new SessionEnding(false, RequestOutcome.AbnormalClose, "stream cut off inside a message", "network");
                    }

                    if (GrpcWire.ReadEcho(message) is { } echo)
                    {
                        onMessage(echo.Sequence);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && Volatile.Read(ref _closing) != 0 && ticksInterval is not null)
            {
                return new SessionEnding(true, RequestOutcome.Ok, "cancelled by the client", "client");
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                return new SessionEnding(false, RequestOutcome.AbnormalClose, $"stream reset: {Innermost(ex)}", "network");
            }

            return Status(response);
        }
    }

    public override async Task CloseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _closing, 1);
        if (ticksInterval is not null)
        {
            // Ticks runs until the client cancels it (RST_STREAM CANCEL from the client): its own close.
            await _lifetime.CancelAsync();
            return;
        }

        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            // Ends the request body (END_STREAM): the server's echo loop ends and it answers with grpc-status 0.
            _content.Complete();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        _content.Complete();
        await _lifetime.CancelAsync();
        if (_response is not null)
        {
            try
            {
                (await _response).Dispose();
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                // Already recorded by the receive.
            }
        }

        _lifetime.Dispose();
        _sendLock.Dispose();
    }

    private SessionEnding Status(HttpResponseMessage response)
    {
        // Trailers-only answers carry grpc-status in the headers.
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var trailer) ? trailer.FirstOrDefault()
            : response.Headers.TryGetValues("grpc-status", out var header) ? header.FirstOrDefault() : null;
        var byClient = Volatile.Read(ref _closing) != 0;
        if (!int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new SessionEnding(false, RequestOutcome.AbnormalClose, "stream ended without a grpc-status", "network");
        }

        var message = response.TrailingHeaders.TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.FirstOrDefault() ?? string.Empty) : string.Empty;
        var ending = string.Create(CultureInfo.InvariantCulture, $"grpc-status {code} ({Name(code)}){(message.Length > 0 ? ": " + message : string.Empty)}");
        var clean = code is 0 or 14 || (byClient && code == 1);
        if (ticksInterval is not null && byClient && !clean)
        {
            // A server-streaming call ends only when the client cancels it: the reset it then sees is its own.
            clean = true;
        }

        return new SessionEnding(clean, clean ? RequestOutcome.Ok : RequestOutcome.AbnormalClose, ending, byClient ? "client" : "server", GrpcStatus: code);
    }

    private static string Name(int code) => code switch
    {
        0 => "OK",
        1 => "CANCELLED",
        2 => "UNKNOWN",
        4 => "DEADLINE_EXCEEDED",
        13 => "INTERNAL",
        14 => "UNAVAILABLE",
        _ => "code " + code.ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == buffer.Length)
        {
            return true;
        }

        return read == 0 ? false : throw new IOException("The stream ended inside a gRPC message.");
    }

    /// <summary>A request body that stays open until <see cref="Complete"/>: the client half of a duplex HTTP/2 stream.</summary>
    private sealed class DuplexContent : HttpContent
    {
        private readonly TaskCompletionSource<Stream> _body = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Stream> Body => _body.Task;

        public void Complete() => _completed.TrySetResult();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _body.TrySetResult(stream);
            await _completed.Task.WaitAsync(cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
