using System.Text;
using Handoff.Rollout.Cluster;
using Handoff.Rollout.Verify;
using Handoff.Rollout.Tests.Verify;

namespace Handoff.Rollout.Tests.Cluster;

public class WatchStreamReaderTests
{
    private const string Compact =
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\",\"annotations\":{\"note\":\"a } brace and a \\\" quote {\"}}}}\n"
        + "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\"}}}\n";

    private const string Indented = """
        {
            "type": "MODIFIED",
            "object": {
                "kind": "EndpointSlice",
                "endpoints": [
                    {
                        "conditions": {
                            "ready": false,
                            "serving": true,
                            "terminating": true
                        }
                    }
                ]
            }
        }
        {
            "type": "ERROR",
            "object": {
                "kind": "Status",
                "message": "too old resource version: 1 (2)"
            }
        }

        """;

    [Fact]
    public async Task ReadAsync_CompactLines_YieldsEachEventWithTypeAndObject()
    {
        var events = await ReadChunkedAsync(Compact, chunk: 4096);

        events.Select(e => e.Type).ShouldBe(["ADDED", "DELETED"]);
        events[0].Kind.ShouldBe("Pod");
        events[0].Object.GetProperty("metadata").GetProperty("annotations").GetProperty("note").GetString()
            .ShouldBe("a } brace and a \" quote {");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    public async Task ReadAsync_IndentedObjectsSplitAcrossChunks_YieldsWholeEvents(int chunk)
    {
        var events = await ReadChunkedAsync(Indented + Compact, chunk);

        events.Select(e => e.Type).ShouldBe(["MODIFIED", "ERROR", "ADDED", "DELETED"]);
        events[0].Kind.ShouldBe("EndpointSlice");
        events[1].Object.GetProperty("message").GetString().ShouldBe("too old resource version: 1 (2)");
    }

    [Fact]
    public void ReadAll_BareObjectsWithoutWatchEvents_ReadsThemAsModified()
    {
        var events = WatchStreamReader.ReadAll("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n"u8);

        events.ShouldHaveSingleItem().Type.ShouldBe(WatchEvent.Modified);
        events[0].Kind.ShouldBe("Pod");
    }

    [Fact]
    public void ReadAll_TableOutputInsteadOfJson_SaysJsonWasExpected()
    {
        var error = Should.Throw<FormatException>(() => WatchStreamReader.ReadAll("NAME   READY\nweb-1  1/1\n"u8));

        error.Message.ShouldContain("-o json");
    }

    [Fact]
    public void ReadAll_StreamEndsInsideAnObject_SaysItWasCut()
    {
        var error = Should.Throw<FormatException>(() => WatchStreamReader.ReadAll("{\"type\":\"ADDED\",\"object\":{\"kind\""u8));

        error.Message.ShouldContain("middle of a JSON object");
    }

    private static async Task<List<WatchEvent>> ReadChunkedAsync(string text, int chunk)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var stream = new ChunkedStream(Encoding.UTF8.GetBytes(text), chunk);
        var events = new List<WatchEvent>();
        await foreach (var e in WatchStreamReader.ReadAsync(stream, timeout.Token))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, like a pipe delivering kubectl's output in pieces.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
