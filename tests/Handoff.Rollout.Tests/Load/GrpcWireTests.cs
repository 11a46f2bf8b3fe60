using Handoff.Rollout.Load.LongLived;

namespace Handoff.Rollout.Tests.Load;

/// <summary>The hand-encoded messages of stream_echo.proto, checked against bytes protoc's encoding gives (field tags, varints, 5-byte prefix).</summary>
public class GrpcWireTests
{
    [Fact]
    public void EchoFrame_Sequence300_IsPrefixedProtobuf()
    {
        // EchoMessage{sequence: 300, payload: "hi"}: 08 AC 02 12 02 68 69 (protobuf's varint of 300 is AC 02).
        GrpcWire.EchoFrame(300, "hi").ShouldBe(new byte[] { 0, 0, 0, 0, 7, 0x08, 0xAC, 0x02, 0x12, 0x02, 0x68, 0x69 });
    }

    [Fact]
    public void ReadEcho_WithBackend_ReadsSequenceAndBackendAndSkipsPayload()
    {
        // {sequence: 5, payload: "x", backend: "pod-1"}
        byte[] message = [0x08, 0x05, 0x12, 0x01, 0x78, 0x1A, 0x05, 0x70, 0x6F, 0x64, 0x2D, 0x31];

        GrpcWire.ReadEcho(message).ShouldBe((5L, "pod-1"));
    }

    [Fact]
    public void ReadEcho_TruncatedField_IsNull()
    {
        GrpcWire.ReadEcho([0x08, 0x05, 0x1A, 0x05, 0x70]).ShouldBeNull();
    }

    [Fact]
    public void TicksFrame_Interval200_IsPrefixedProtobuf()
    {
        GrpcWire.TicksFrame(200).ShouldBe(new byte[] { 0, 0, 0, 0, 3, 0x08, 0xC8, 0x01 });
    }
}
