using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Handoff.Rollout.Load.LongLived;

/// <summary>A server-sent event stream (text/event-stream) read line by line; each event's id is its sequence number.</summary>
/// <remarks>
/// A stream the server completes is a clean end (with the sample's 'event: closing' and its 'retry:' hint when it
/// drains on purpose); a stream cut off in the middle (the response ended prematurely, a reset) is abnormal.
/// </remarks>
internal sealed class SseSession(Uri target, HttpMessageInvoker invoker, string backendHeader) : LongLivedSession
{
    private readonly CancellationTokenSource _clientClose = new();
    private HttpResponseMessage? _response;

    public override bool SendsMessages => false;

    public override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, target) { Version = HttpVersion.Version11 };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        _response = await invoker.SendAsync(request, cancellationToken);
        var backend = _response.Headers.TryGetValues(backendHeader, out var values) ? values.FirstOrDefault() : null;
        if (_response.StatusCode != HttpStatusCode.OK)
        {
            throw new SessionRefusedException((int)_response.StatusCode, backend);
        }

        Backend = backend;
    }

    public override Task SendAsync(long sequence, CancellationToken cancellationToken) => Task.CompletedTask;

    public override async Task<SessionEnding> ReceiveAsync(Action<long> onMessage, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _clientClose.Token);
        var closingEvent = false;
        try
        {
            await using var body = await _response!.Content.ReadAsStreamAsync(linked.Token);
            using var reader = new StreamReader(body);
            while (await reader.ReadLineAsync(linked.Token) is { } line)
            {
                if (line.StartsWith("id:", StringComparison.Ordinal) && long.TryParse(line.AsSpan(3).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    onMessage(id);
                }
                else if (line.StartsWith("event:", StringComparison.Ordinal) && line.AsSpan(6).Trim().SequenceEqual("closing"))
                {
                    closingEvent = true;
                }
            }

            return new SessionEnding(true, RequestOutcome.Ok, closingEvent ? "stream completed with a closing event and a retry hint" : "stream completed", "server");
        }
        catch (OperationCanceledException) when (_clientClose.IsCancellationRequested)
        {
            return new SessionEnding(true, RequestOutcome.Ok, "closed by the client", "client");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new SessionEnding(false, RequestOutcome.AbnormalClose, $"stream cut off: {Innermost(ex)}", "network");
        }
    }

    public override Task CloseAsync(CancellationToken cancellationToken) => _clientClose.CancelAsync();

    public override ValueTask DisposeAsync()
    {
        _response?.Dispose();
        _clientClose.Dispose();
        return ValueTask.CompletedTask;
    }
}
