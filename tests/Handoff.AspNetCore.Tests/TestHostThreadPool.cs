using System.Runtime.CompilerServices;

namespace Handoff.AspNetCore.Tests;

/// <summary>Sets the thread pool up before any test runs, for every test class of this assembly.</summary>
internal static class TestHostThreadPool
{
    /// <summary>
    /// The test host's own runners hold two thread-pool threads for the whole run (the vstest message loop and xunit's
    /// adapter, seen with dotnet-stack). On a 2-core machine that is the pool's minimum, so a timer callback of the
    /// library (a close turn, the drain deadline) could wait about a second for a thread: SignalR close turns fired
    /// together, and once a WebSocket's drain deadline came after Kestrel had already stopped (Aborted 0). What the
    /// tests measure is the library's timing, not the pool's ramp-up, so the minimum is raised for the whole assembly.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseMinimumThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }
}
