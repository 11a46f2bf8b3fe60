using System.Runtime.InteropServices;

namespace Handoff.Rollout.Lab;

/// <summary>The one system call the lab needs that .NET does not wrap: sending a chosen signal to a process.</summary>
internal static partial class Posix
{
    /// <summary>SIGINT.</summary>
    public const int SigInt = 2;

    /// <summary>SIGKILL.</summary>
    public const int SigKill = 9;

    /// <summary>SIGTERM.</summary>
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int sig);
}
