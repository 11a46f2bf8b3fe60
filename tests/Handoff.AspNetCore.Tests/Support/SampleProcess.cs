using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>The sample API run as a real child process on 127.0.0.1, stopped with real signals.</summary>
internal sealed partial class SampleProcess : IAsyncDisposable
{
    public const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>Gets every line the app wrote so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static string SampleDll { get; } = typeof(SampleProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SampleApiDll").Value!;

    /// <summary>Starts the sample with the given configuration (environment variables) and waits until it listens.</summary>
    public static async Task<SampleProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        File.Exists(SampleDll).ShouldBeTrue($"build the sample first: {SampleDll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { SampleDll, "--urls", "http://127.0.0.1:0" },
        };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["HANDOFF_POD_NAME"] = "test-pod";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var sample = new SampleProcess(process);
        process.OutputDataReceived += (_, e) => sample.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => sample.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            sample.BaseAddress = await sample._listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }

        return sample;
    }

    /// <summary>A port free on 127.0.0.1 a moment ago, for an endpoint the sample cannot bind at port 0 (its h2c port).</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Sends a real signal with kill(2); <see cref="Process.Kill()"/> would send SIGKILL.</summary>
    public void Signal(int signal)
    {
        if (NativeMethods.kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Gets the lines of one log event id (the console logger prints 'Category[id]').</summary>
    public IReadOnlyList<string> LinesWithEvent(int eventId) => [.. Output.Where(l => l.Contains($"[{eventId}]", StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // A one-line P/Invoke; LibraryImport would need unsafe code enabled for the test project.
        public static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
