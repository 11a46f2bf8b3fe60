using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Handoff.Rollout.Load.LongLived;

/// <summary>A real <see cref="ClientWebSocket"/> that sends each sequence number as a text message and expects it echoed.</summary>
/// <remarks>
/// A close frame with 1000 (normal) or 1001 (going away) is a clean end; the client answers it. Anything else that
/// ends the socket (no close frame: the 1006 a browser reports, a reset, another close code) is abnormal.
/// </remarks>
internal sealed class WebSocketSession(Uri target, HttpMessageInvoker invoker, string backendHeader) : LongLivedSession
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private int _closing;

    public override bool SendsMessages => true;

    public override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(target) { Scheme = target.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;
        try
        {
            await _socket.ConnectAsync(uri, invoker, cancellationToken);
        }
        catch (WebSocketException) when (_socket.HttpStatusCode is not (System.Net.HttpStatusCode)0 and not System.Net.HttpStatusCode.SwitchingProtocols)
        {
            throw new SessionRefusedException((int)_socket.HttpStatusCode, BackendOf(_socket.HttpResponseHeaders));
        }

        Backend = BackendOf(_socket.HttpResponseHeaders);
    }

    public override async Task SendAsync(long sequence, CancellationToken cancellationToken)
    {
        var payload = Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture));
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override async Task<SessionEnding> ReceiveAsync(Action<long> onMessage, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return await ClosedAsync(result, cancellationToken);
                }

                // The sample echoes each message in one frame; a split echo is read as what it is, not guessed at.
                if (result.EndOfMessage && long.TryParse(Encoding.ASCII.GetString(buffer, 0, result.Count), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
                {
                    onMessage(sequence);
                }
            }
        }
        catch (WebSocketException ex)
        {
            return new SessionEnding(false, RequestOutcome.AbnormalClose, $"no close frame (1006): {Innermost(ex)}", "network");
        }
        catch (IOException ex)
        {
            return new SessionEnding(false, RequestOutcome.AbnormalClose, $"no close frame (1006): {Innermost(ex)}", "network");
        }
    }

    private async Task<SessionEnding> ClosedAsync(WebSocketReceiveResult result, CancellationToken cancellationToken)
    {
        var code = (int?)result.CloseStatus;
        var byClient = Volatile.Read(ref _closing) != 0;
        if (_socket.State == WebSocketState.CloseReceived)
        {
            try
            {
                // The close handshake: answer the server's close frame with the same code.
                await _sendLock.WaitAsync(cancellationToken);
                try
                {
                    await _socket.CloseOutputAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                }
                finally
                {
                    _sendLock.Release();
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
                // The server closed its side already; its close frame is what counts.
            }
        }

        var ending = code is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"close {c} ({result.CloseStatus})")
            : "close frame without a code";
        var clean = code is 1000 or 1001 || byClient;
        return new SessionEnding(clean, clean ? RequestOutcome.Ok : RequestOutcome.AbnormalClose, ending, byClient ? "client" : "server", CloseCode: code);
    }

    public override async Task CloseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _closing, 1);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "run ended", cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public override ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _sendLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private string? BackendOf(IReadOnlyDictionary<string, IEnumerable<string>>? headers) =>
        headers?.FirstOrDefault(h => string.Equals(h.Key, backendHeader, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
}
