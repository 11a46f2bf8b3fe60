using System.Buffers.Binary;
using System.Globalization;

namespace Handoff.Rollout.Load.LongLived;

/// <summary>A frame that ends streams, as the client received it: GOAWAY or RST_STREAM, with its error code.</summary>
/// <param name="Type">"GOAWAY" or "RST_STREAM".</param>
/// <param name="ErrorCode">The HTTP/2 error code (RFC 9113 section 7).</param>
/// <param name="StreamId">RST_STREAM: the stream reset; GOAWAY: the last stream the sender will process.</param>
internal readonly record struct Http2ControlFrame(string Type, uint ErrorCode, int StreamId)
{
    /// <summary>"GOAWAY (NO_ERROR)", "RST_STREAM (CANCEL)": how reports count it.</summary>
    public override string ToString() => $"{Type} ({ErrorName(ErrorCode)})";

    private static string ErrorName(uint code) => code switch
    {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x5 => "STREAM_CLOSED",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0xb => "ENHANCE_YOUR_CALM",
        _ => "0x" + code.ToString("x", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The client's side of a cleartext HTTP/2 connection, passed through untouched while its incoming frames are read
/// for GOAWAY and RST_STREAM.
/// </summary>
/// <remarks>
/// SocketsHttpHandler acts on both frames without telling its caller: a GOAWAY only makes it open the next stream on
/// a new connection, and an RST_STREAM(NO_ERROR) after a complete response is dropped. The lab wants to see them:
/// behind a TCP load balancer they are the pod's own (Kestrel's GOAWAY when the library asks a connection to close),
/// behind HAProxy in HTTP mode HAProxy's (which turns a pod's RST_STREAM(NO_ERROR) into CANCEL). Installed through
/// <see cref="SocketsHttpHandler.ConnectCallback"/>; h2c with prior knowledge, so the server's bytes are frames from
/// the first one (RFC 9113 3.4: the server's preface is a SETTINGS frame). Frame layout: RFC 9113 4.1, 6.4, 6.8.
/// </remarks>
internal sealed class Http2FrameObserver(Stream inner, Action<Http2ControlFrame> onFrame) : Stream
{
    private const int HeaderLength = 9;
    private const byte RstStream = 0x3;
    private const byte GoAway = 0x7;

    private readonly byte[] _header = new byte[HeaderLength];
    private readonly byte[] _payload = new byte[8];
    private int _headerFill;
    private int _payloadFill;
    private int _payloadWanted;
    private long _skip;
    private byte _type;
    private int _streamId;

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Observe(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Observe(buffer.AsSpan(offset, read));
        return read;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Feeds received bytes to the frame reader; reports each GOAWAY and RST_STREAM once its first 8 (4) payload bytes are in.</summary>
    /// <remarks>Three states, one frame after another: the 9-byte header, the payload bytes a report needs, the rest skipped.</remarks>
    internal void Observe(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_payloadWanted > 0)
            {
                var taken = Math.Min(_payloadWanted - _payloadFill, bytes.Length);
                bytes[..taken].CopyTo(_payload.AsSpan(_payloadFill));
                _payloadFill += taken;
                bytes = bytes[taken..];
                if (_payloadFill == _payloadWanted)
                {
                    _payloadWanted = 0;
                    Report();
                }
            }
            else if (_skip > 0)
            {
                var skipped = (int)Math.Min(_skip, bytes.Length);
                _skip -= skipped;
                bytes = bytes[skipped..];
            }
            else
            {
                var taken = Math.Min(HeaderLength - _headerFill, bytes.Length);
                bytes[..taken].CopyTo(_header.AsSpan(_headerFill));
                _headerFill += taken;
                bytes = bytes[taken..];
                if (_headerFill == HeaderLength)
                {
                    _headerFill = 0;
                    StartFrame();
                }
            }
        }
    }

    private void StartFrame()
    {
        var length = (_header[0] << 16) | (_header[1] << 8) | _header[2];
        _type = _header[3];
        _streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(5)) & 0x7fff_ffff);
        var wanted = _type switch
        {
            RstStream => 4,
            GoAway => 8,
            _ => 0,
        };

        // A frame too short for its type is the handler's to reject; the reader only keeps in step.
        _payloadWanted = wanted <= length ? wanted : 0;
        _payloadFill = 0;
        _skip = length - _payloadWanted;
    }

    private void Report()
    {
        var frame = _type == RstStream
            ? new Http2ControlFrame("RST_STREAM", BinaryPrimitives.ReadUInt32BigEndian(_payload), _streamId)
            : new Http2ControlFrame("GOAWAY", BinaryPrimitives.ReadUInt32BigEndian(_payload.AsSpan(4)), (int)(BinaryPrimitives.ReadUInt32BigEndian(_payload) & 0x7fff_ffff));
        onFrame(frame);
    }
}
