using System.Diagnostics;
using System.Globalization;

namespace Handoff.Rollout.Lab;

/// <summary>
/// A tiny shell process that outlives the lab to end what the lab started: the lab writes each child's pid to its
/// standard input, and when that pipe closes (the lab ended, normally or by SIGKILL, which runs no finally block and no
/// exit handler) it kills the process group of every pid it was given, then the pid itself.
/// </summary>
/// <remarks>
/// Pods and HAProxy run in their own session (setsid), so a pod's group also holds whatever the app started. On a normal
/// end the lab has already stopped everything and the kills find nothing. A child started in the instant before the
/// lab writes its pid is not covered; the lab writes it right after the start.
/// </remarks>
internal sealed class LabWatchdog : IDisposable
{
    // 'read' returns non-zero at end of input: the lab is gone. Output is discarded so no pipe ties the watchdog to the lab.
    private const string Script =
        "exec >/dev/null 2>&1; pids=''; while read -r pid; do pids=\"$pids $pid\"; done; "
        + "for p in $pids; do kill -KILL -- \"-$p\" || kill -KILL \"$p\"; done; exit 0";

    private readonly Process? _process;
    private readonly Lock _gate = new();

    private LabWatchdog(Process? process) => _process = process;

    /// <summary>The watchdog's pid (null when /bin/sh could not be started: the lab then relies on its own teardown).</summary>
    public int? Pid => _process?.Id;

    /// <summary>Starts the watchdog.</summary>
    public static LabWatchdog Start()
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        try
        {
            return new LabWatchdog(Process.Start(start));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new LabWatchdog(null);
        }
    }

    /// <summary>Hands <paramref name="pid"/> to the watchdog.</summary>
    public void Watch(int pid)
    {
        lock (_gate)
        {
            if (_process is null || _process.HasExited)
            {
                return;
            }

            _process.StandardInput.WriteLine(pid.ToString(CultureInfo.InvariantCulture));
            _process.StandardInput.Flush();
        }
    }

    /// <summary>Closes the pipe (the watchdog kills what is left, normally nothing) and waits briefly for it to exit.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_process is null)
            {
                return;
            }

            try
            {
                _process.StandardInput.Close();
                _process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (IOException)
            {
                // The watchdog is gone already.
            }

            _process.Dispose();
        }
    }
}
