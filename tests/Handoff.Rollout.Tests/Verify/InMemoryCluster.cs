using Handoff.Rollout.Cluster;

namespace Handoff.Rollout.Tests.Verify;

/// <summary>
/// A cluster client with no cluster behind it (there is no API server here): one-shot calls are answered by a function,
/// watches stay open and silent until they are disposed. For tests of verify's own waits on a fake clock; the tests
/// that need kubectl's real process behaviour use the stand-in kubectl through <see cref="Kubectl"/>.
/// </summary>
internal sealed class InMemoryCluster(Func<IReadOnlyList<string>, KubectlResult> answer) : IClusterClient
{
    private readonly List<IReadOnlyList<string>> _calls = [];

    /// <summary>A cluster that fails the test on any call.</summary>
    public static InMemoryCluster Unreachable() => new(arguments => throw new InvalidOperationException($"unexpected call: {Kubectl.Describe(arguments)}"));

    public string? Context => "in-memory";

    public string? Namespace => "shop";

    /// <summary>Every call made, one-shot and watch, in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    public Task<KubectlResult> RunAsync(IReadOnlyList<string> arguments, bool namespaced, CancellationToken cancellationToken) => Answer(arguments);

    public Task<KubectlResult> RunAsync(IReadOnlyList<string> arguments, bool namespaced, TimeSpan timeout, CancellationToken cancellationToken) => Answer(arguments);

    public Task<KubectlResult> RunLocalAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) => Answer(arguments);

    public IClusterClient WithContext(string context, string @namespace) => this;

    public IWatchStream StartStream(IReadOnlyList<string> arguments, bool namespaced)
    {
        Record(arguments);
        return new SilentWatch(arguments);
    }

    private Task<KubectlResult> Answer(IReadOnlyList<string> arguments)
    {
        Record(arguments);
        return Task.FromResult(answer(arguments));
    }

    private void Record(IReadOnlyList<string> arguments)
    {
        lock (_calls)
        {
            _calls.Add(arguments);
        }
    }

    /// <summary>A watch that reports nothing and never ends by itself.</summary>
    private sealed class SilentWatch(IReadOnlyList<string> arguments) : IWatchStream
    {
        private readonly SilentStream _output = new();

        public IReadOnlyList<string> Arguments => arguments;

        public Stream StandardOutput => _output;

        public bool HasExited => false;

        public int ExitCode => throw new InvalidOperationException("The watch has not exited.");

        public string StandardError => string.Empty;

        public ValueTask DisposeAsync()
        {
            _output.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A stream whose reads wait until it is disposed (end of stream) or the read is cancelled.</summary>
    private sealed class SilentStream : Stream
    {
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _closed.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
