using System.Buffers.Binary;
using Handoff.Rollout.Load.LongLived;

namespace Handoff.Rollout.Tests.Load;

/// <summary>The frame reader behind the lab's gRPC clients: what a server's bytes say, however they are split into reads.</summary>
public class Http2FrameObserverTests
{
    // What Kestrel sends a client whose bidi call the library drains, behind a TCP load balancer: its SETTINGS, a
    // HEADERS and DATA of the call, GOAWAY (with debug data), the trailers, then RST_STREAM(NO_ERROR) on the stream.
    private static readonly byte[] Drained =
    [
        .. Frame(0x4, 0, new byte[12]),
        .. Frame(0x1, 1, new byte[20]),
        .. Frame(0x0, 1, new byte[37]),
        .. Frame(0x7, 0, [.. Int(1), .. Int(0x0), .. "shutting down"u8]),
        .. Frame(0x1, 1, new byte[9]),
        .. Frame(0x3, 1, Int(0x0)),
        .. Frame(0x3, 3, Int(0x8)),
    ];

    [Fact]
    public void Observe_OneRead_ReportsGoAwayAndEachResetWithTheirCodes()
    {
        var frames = new List<Http2ControlFrame>();
        new Http2FrameObserver(Stream.Null, frames.Add).Observe(Drained);

        frames.ShouldBe(
        [
            new Http2ControlFrame("GOAWAY", 0x0, 1),
            new Http2ControlFrame("RST_STREAM", 0x0, 1),
            new Http2ControlFrame("RST_STREAM", 0x8, 3),
        ]);
        string.Join(", ", frames).ShouldBe("GOAWAY (NO_ERROR), RST_STREAM (NO_ERROR), RST_STREAM (CANCEL)");
    }

    [Fact]
    public void Observe_BytesSplitAnywhere_ReportsTheSameFrames()
    {
        // Every split point, and one byte at a time: a read can end inside a header, a payload or debug data.
        for (var split = 1; split < Drained.Length; split++)
        {
            var frames = new List<Http2ControlFrame>();
            var observer = new Http2FrameObserver(Stream.Null, frames.Add);
            observer.Observe(Drained.AsSpan(0, split));
            observer.Observe(Drained.AsSpan(split));
            frames.Count.ShouldBe(3, $"split at {split}");
        }

        var single = new List<Http2ControlFrame>();
        var byteByByte = new Http2FrameObserver(Stream.Null, single.Add);
        foreach (var b in Drained)
        {
            byteByByte.Observe([b]);
        }

        string.Join(", ", single).ShouldBe("GOAWAY (NO_ERROR), RST_STREAM (NO_ERROR), RST_STREAM (CANCEL)");
    }

    [Fact]
    public async Task ReadAsync_PassesTheBytesThroughUntouched()
    {
        var frames = new List<Http2ControlFrame>();
        await using var observer = new Http2FrameObserver(new MemoryStream(Drained), frames.Add);
        var copy = new MemoryStream();
        await observer.CopyToAsync(copy, bufferSize: 7);

        copy.ToArray().ShouldBe(Drained);
        frames.Count.ShouldBe(3);
    }

    private static byte[] Frame(byte type, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static byte[] Int(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
