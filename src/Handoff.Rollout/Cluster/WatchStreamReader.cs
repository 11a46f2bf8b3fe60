using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Handoff.Rollout.Cluster;

/// <summary>Splits kubectl's watch output, a stream of concatenated JSON objects, into events.</summary>
/// <remarks>
/// <c>kubectl get ... -o json --watch --output-watch-events</c> prints each change as one JSON object
/// <c>{"type":"MODIFIED","object":{...}}</c>; kubectl v1.32 prints one compact object per line (seen against a
/// stand-in API server), other versions and printers may indent an object over many lines. Only whitespace
/// separates objects. Without --output-watch-events kubectl prints the bare objects; those are read as MODIFIED.
/// The reader scans for the end of each top-level object (tracking strings and escapes) and parses only
/// complete objects, so a chunk boundary anywhere in the stream is fine.
/// </remarks>
public static class WatchStreamReader
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>Reads events until the stream ends or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="FormatException">The stream holds something that is not a JSON object.</exception>
    public static async IAsyncEnumerable<WatchEvent> ReadAsync(
        Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var scanner = new ObjectScanner();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                foreach (var document in scanner.Feed(buffer.AsSpan(0, read)))
                {
                    yield return ToEvent(document);
                }
            }

            scanner.EnsureComplete();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads every event in a complete text (a recorded stream).</summary>
    /// <exception cref="FormatException">The text holds something that is not a JSON object.</exception>
    public static IReadOnlyList<WatchEvent> ReadAll(ReadOnlySpan<byte> utf8)
    {
        var scanner = new ObjectScanner();
        var events = scanner.Feed(utf8).Select(ToEvent).ToList();
        scanner.EnsureComplete();
        return events;
    }

    private static WatchEvent ToEvent(byte[] utf8)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(utf8);
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new FormatException($"kubectl printed invalid JSON: {exception.Message}", exception);
        }

        if (root.ValueKind == JsonValueKind.Object
            && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && root.TryGetProperty("object", out var inner))
        {
            return new WatchEvent(type.GetString()!, inner);
        }

        return new WatchEvent(WatchEvent.Modified, root);
    }

    /// <summary>Finds where each top-level JSON object ends across chunk boundaries.</summary>
    private sealed class ObjectScanner
    {
        private readonly ArrayBufferWriter<byte> _pending = new();
        private int _depth;
        private bool _inString;
        private bool _escaped;

        public List<byte[]> Feed(ReadOnlySpan<byte> chunk)
        {
            var complete = new List<byte[]>();
            var start = 0;
            for (var i = 0; i < chunk.Length; i++)
            {
                var b = chunk[i];
                if (_depth == 0 && !_inString)
                {
                    if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
                    {
                        start = i + 1;
                        continue;
                    }

                    if (b != (byte)'{')
                    {
                        throw new FormatException($"kubectl printed '{(char)b}' where a JSON object should start; was '-o json' passed?");
                    }
                }

                if (_inString)
                {
                    if (_escaped)
                    {
                        _escaped = false;
                    }
                    else if (b == (byte)'\\')
                    {
                        _escaped = true;
                    }
                    else if (b == (byte)'"')
                    {
                        _inString = false;
                    }

                    continue;
                }

                switch (b)
                {
                    case (byte)'"':
                        _inString = true;
                        break;
                    case (byte)'{' or (byte)'[':
                        _depth++;
                        break;
                    case (byte)'}' or (byte)']':
                        _depth--;
                        if (_depth == 0)
                        {
                            _pending.Write(chunk[start..(i + 1)]);
                            complete.Add(_pending.WrittenSpan.ToArray());
                            _pending.ResetWrittenCount();
                            start = i + 1;
                        }

                        break;
                }
            }

            if (_depth > 0 || _inString)
            {
                _pending.Write(chunk[start..]);
            }

            return complete;
        }

        public void EnsureComplete()
        {
            if (_depth > 0 || _inString)
            {
                throw new FormatException("kubectl's output ended in the middle of a JSON object.");
            }
        }
    }
}
