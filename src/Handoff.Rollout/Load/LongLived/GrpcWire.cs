using System.Buffers.Binary;
using System.Text;

namespace Handoff.Rollout.Load.LongLived;

/// <summary>The two messages of src/Handoff.Rollout/Protos/stream_echo.proto, encoded by hand, and gRPC's length-prefixed framing.</summary>
/// <remarks>
/// A gRPC message on the wire is 1 byte (compressed: 0) + 4 bytes big-endian length + the protobuf bytes
/// (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md). EchoMessage is {1: int64 sequence,
/// 2: string payload, 3: string backend}: tags 0x08 (varint), 0x12 and 0x1A (length-delimited).
/// </remarks>
internal static class GrpcWire
{
    /// <summary>The 5-byte prefix of every gRPC message.</summary>
    public const int PrefixLength = 5;

    /// <summary>One framed EchoMessage with <paramref name="sequence"/> and <paramref name="payload"/>.</summary>
    public static byte[] EchoFrame(long sequence, string payload)
    {
        var text = Encoding.UTF8.GetBytes(payload);
        var message = new List<byte>(16 + text.Length) { 0x08 };
        WriteVarint(message, (ulong)sequence);
        message.Add(0x12);
        WriteVarint(message, (ulong)text.Length);
        message.AddRange(text);
        var frame = new byte[PrefixLength + message.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Count);
        message.CopyTo(frame, PrefixLength);
        return frame;
    }

    /// <summary>One framed TicksRequest {1: int32 interval_ms}.</summary>
    public static byte[] TicksFrame(int intervalMs)
    {
        var message = new List<byte> { 0x08 };
        WriteVarint(message, (ulong)intervalMs);
        var frame = new byte[PrefixLength + message.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Count);
        message.CopyTo(frame, PrefixLength);
        return frame;
    }

    /// <summary>The length of the message a 5-byte prefix announces; null when it is compressed (the lab never asks for compression).</summary>
    public static int? MessageLength(ReadOnlySpan<byte> prefix) =>
        prefix[0] == 0 ? (int)BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]) : null;

    /// <summary>The sequence and backend of an EchoMessage; unknown fields are skipped; null when the bytes are not one.</summary>
    public static (long Sequence, string? Backend)? ReadEcho(ReadOnlySpan<byte> message)
    {
        long sequence = 0;
        string? backend = null;
        var i = 0;
        while (i < message.Length)
        {
            if (!TryReadVarint(message, ref i, out var tag))
            {
                return null;
            }

            switch (tag & 7)
            {
                case 0:
                    if (!TryReadVarint(message, ref i, out var value))
                    {
                        return null;
                    }

                    if (tag >> 3 == 1)
                    {
                        sequence = (long)value;
                    }

                    break;
                case 2:
                    if (!TryReadVarint(message, ref i, out var length) || (ulong)(message.Length - i) < length)
                    {
                        return null;
                    }

                    if (tag >> 3 == 3)
                    {
                        backend = Encoding.UTF8.GetString(message.Slice(i, (int)length));
                    }

                    i += (int)length;
                    break;
                default:
                    return null;
            }
        }

        return (sequence, backend);
    }

    private static void WriteVarint(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int i, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && i < bytes.Length; shift += 7)
        {
            var b = bytes[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
