using System.Diagnostics;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Handoff.Lab.Grpc;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>How a streaming call ended, as a real Grpc.Net.Client saw it.</summary>
/// <param name="Kind">"ticks" (server streaming) or "echo" (bidirectional).</param>
/// <param name="Status">The call's status code.</param>
/// <param name="Detail">The status detail.</param>
/// <param name="Transport">Whether the status came from a broken transport (a reset stream or connection) rather than from trailers.</param>
/// <param name="Seconds">When it ended, from the timestamp given to <see cref="GrpcStream.ReadUntilEndAsync"/>.</param>
/// <param name="Received">Messages received.</param>
/// <param name="Backend">The <c>backend</c> of the last message received.</param>
internal sealed record GrpcStreamEnd(string Kind, StatusCode Status, string Detail, bool Transport, double Seconds, long Received, string Backend);

/// <summary>A channel to a real server on loopback that counts the TCP connections it opens.</summary>
internal sealed class GrpcTestChannel : IDisposable
{
    private int _connects;

    public GrpcTestChannel(Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref _connects);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        Channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Client = new StreamEcho.StreamEchoClient(Channel);
    }

    public GrpcChannel Channel { get; }

    public StreamEcho.StreamEchoClient Client { get; }

    /// <summary>Gets how many TCP connections the channel tried to open.</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>Opens <paramref name="count"/> calls, alternately server streaming and bidirectional, each answered once.</summary>
    public async Task<List<GrpcStream>> OpenAsync(int count)
    {
        var streams = new List<GrpcStream>();
        for (var i = 0; i < count; i++)
        {
            streams.Add(i % 2 == 0 ? await GrpcStream.OpenTicksAsync(Client) : await GrpcStream.OpenEchoAsync(Client));
        }

        return streams;
    }

    public void Dispose() => Channel.Dispose();
}

/// <summary>One open streaming call: reads until the call ends; an echo call also sends a message every 50 ms.</summary>
internal sealed class GrpcStream : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly IAsyncStreamReader<EchoMessage> _responses;
    private readonly IDisposable _call;
    private readonly IClientStreamWriter<EchoMessage>? _requests;
    private readonly CancellationTokenSource _timeout = new(Bound);
    private long _received = 1;
    private string _backend;

    private GrpcStream(string kind, IAsyncStreamReader<EchoMessage> responses, IDisposable call, IClientStreamWriter<EchoMessage>? requests, string backend)
    {
        Kind = kind;
        _responses = responses;
        _call = call;
        _requests = requests;
        _backend = backend;
    }

    public string Kind { get; }

    public static async Task<GrpcStream> OpenTicksAsync(StreamEcho.StreamEchoClient client)
    {
        var call = client.Ticks(new TicksRequest { IntervalMs = 50 });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();
        return new GrpcStream("ticks", call.ResponseStream, call, requests: null, call.ResponseStream.Current.Backend);
    }

    public static async Task<GrpcStream> OpenEchoAsync(StreamEcho.StreamEchoClient client)
    {
        var call = client.Echo();
        await call.RequestStream.WriteAsync(new EchoMessage { Sequence = 0, Payload = "hello" });
        (await call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Bound)).ShouldBeTrue();
        call.ResponseStream.Current.Sequence.ShouldBe(0);
        return new GrpcStream("echo", call.ResponseStream, call, call.RequestStream, call.ResponseStream.Current.Backend);
    }

    /// <summary>Reads (and for an echo call, sends) until the call ends; a status OK means the server ended it as done.</summary>
    /// <param name="since">A <see cref="Stopwatch"/> timestamp the end is timed from.</param>
    public async Task<GrpcStreamEnd> ReadUntilEndAsync(long since)
    {
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        var sender = _requests is null ? Task.CompletedTask : SendEveryAsync(_requests, TimeSpan.FromMilliseconds(50), sending.Token);
        try
        {
            while (await _responses.MoveNext(_timeout.Token))
            {
                _received++;
                _backend = _responses.Current.Backend;
            }

            return End(StatusCode.OK, "", transport: false, since);
        }
        catch (RpcException e)
        {
            // Grpc.Net.Client keeps the transport's exception (HttpProtocolException, IOException) in DebugException
            // when the status comes from a broken stream; a status read from trailers has none.
            return End(e.StatusCode, e.Status.Detail, e.Status.DebugException is not null, since);
        }
        finally
        {
            await sending.CancelAsync();
            await sender;
        }
    }

    public void Dispose()
    {
        _call.Dispose();
        _timeout.Dispose();
    }

    private GrpcStreamEnd End(StatusCode status, string detail, bool transport, long since) =>
        new(Kind, status, detail, transport, Stopwatch.GetElapsedTime(since).TotalSeconds, _received, _backend);

    private static async Task SendEveryAsync(IClientStreamWriter<EchoMessage> requests, TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            for (long sequence = 1; !cancellationToken.IsCancellationRequested; sequence++)
            {
                await requests.WriteAsync(new EchoMessage { Sequence = sequence, Payload = "m" }, cancellationToken);
                await Task.Delay(pause, cancellationToken);
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException or IOException)
        {
            // The call ended: the reader reports how.
        }
    }
}
