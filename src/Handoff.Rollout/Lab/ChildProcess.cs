using System.Diagnostics;

namespace Handoff.Rollout.Lab;

/// <summary>A process the lab started (an app pod or HAProxy), with its output captured to a log file.</summary>
/// <remarks>
/// The child runs in its own session (setsid) so that a Ctrl+C on the lab's terminal reaches the lab only: the
/// lab decides when and how each child is signalled. <see cref="DisposeAsync"/> always leaves the child dead.
/// </remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const string SetSid = "/usr/bin/setsid";
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logGate = new();
    private int _disposed;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
        Exited = process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>The operating-system process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    /// <summary>The exit code (128 + signal when a signal ended it), once <see cref="Exited"/> completed.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Whether it has exited.</summary>
    public bool HasExited => Exited.IsCompleted;

    /// <summary>Starts <paramref name="arguments"/>[0] with the rest as arguments (no shell).</summary>
    public static ChildProcess Start(IReadOnlyList<string> arguments, IEnumerable<KeyValuePair<string, string>> environment, string logFile)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        var command = File.Exists(SetSid) ? [SetSid, .. arguments] : arguments;
        start.FileName = command[0];
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{arguments[0]}'.");
        }
        catch
        {
            log.Dispose();
            throw;
        }

        var child = new ChildProcess(process, log);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public bool Signal(int signal) => !HasExited && Posix.Signal(_process.Id, signal);

    /// <summary>Ends the process: SIGTERM, then SIGKILL after <paramref name="patience"/>.</summary>
    public async Task StopAsync(TimeSpan patience)
    {
        if (HasExited)
        {
            return;
        }

        Signal(Posix.SigTerm);
        if (await Task.WhenAny(Exited, Task.Delay(patience, CancellationToken.None)) != Exited)
        {
            Signal(Posix.SigKill);
            await Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!HasExited)
            {
                Signal(Posix.SigKill);
                await Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }
        }
        finally
        {
            _process.Dispose();
            lock (_logGate)
            {
                _log.Dispose();
            }
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _log.WriteLine(line);
            }
        }
    }
}
