using System.Diagnostics;
using System.Text;

namespace Handoff.Rollout.Cluster;

/// <summary>A running kubectl call (a watch): its stdout as a stream, its stderr kept for messages.</summary>
/// <remarks>Disposing kills the process and its children, so no watch outlives the run.</remarks>
public sealed class KubectlProcess : IWatchStream
{
    private const int MaxErrorChars = 4096;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private readonly TimeProvider _time;

    internal KubectlProcess(Process process, IReadOnlyList<string> arguments, TimeProvider time)
    {
        _process = process;
        _time = time;
        Arguments = arguments;
        _stderrPump = PumpErrorsAsync();
    }

    /// <summary>The arguments kubectl got.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>kubectl's stdout, raw bytes.</summary>
    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>Whether kubectl has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>What kubectl wrote to stderr so far (the first few kilobytes).</summary>
    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits for kubectl to exit.</summary>
    public async Task WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await _stderrPump.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kubectl.KillQuietly(_process);
        try
        {
            await _stderrPump.WaitAsync(TimeSpan.FromSeconds(5), _time);
        }
        catch (TimeoutException)
        {
            // stderr stayed open (a grandchild kept it): the process itself is gone, which is what matters.
        }

        _process.Dispose();
    }

    private async Task PumpErrorsAsync()
    {
        var buffer = new char[1024];
        int read;
        try
        {
            while ((read = await _process.StandardError.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                lock (_stderr)
                {
                    if (_stderr.Length < MaxErrorChars)
                    {
                        _stderr.Append(buffer, 0, Math.Min(read, MaxErrorChars - _stderr.Length));
                    }
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke because the process was killed.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while reading.
        }
    }
}
