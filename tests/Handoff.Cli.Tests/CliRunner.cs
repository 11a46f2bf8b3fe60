using System.Diagnostics;

namespace Handoff.Cli.Tests;

/// <summary>The result of one run of the real 'handoff' process.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs handoff as a child process: real arguments, stdin, exit codes and output streams.</summary>
/// <remarks>
/// Runs the handoff.dll built next to the tests under 'dotnet exec', or, when the environment variable
/// <see cref="BinaryVariable"/> names a file (eng/test.sh sets it to artifacts/bin/handoff for a second run), that
/// native binary: the same tests then prove the trimmed, AOT-compiled executable behaves the same.
/// </remarks>
internal static class CliRunner
{
    /// <summary>The environment variable naming a handoff executable to test instead of the built handoff.dll.</summary>
    public const string BinaryVariable = "HANDOFF_CLI";

    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>The native executable under test (relative paths are from the repository root), or null for handoff.dll.</summary>
    public static string? NativeBinary { get; } =
        Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } path ? Path.GetFullPath(path, Root) : null;

    /// <summary>The command that starts handoff, quoted for sh: the native binary or 'dotnet exec handoff.dll'.</summary>
    public static string ShellCommand => NativeBinary is { } binary ? $"'{binary}'" : $"dotnet exec '{Dll()}'";

    public static async Task<CliRun> RunAsync(string[] args, string? stdin = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        var start = StartInfo();
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = workingDirectory ?? Root;
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("NO_COLOR");
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            var stderr = process.StandardError.ReadToEndAsync(cts.Token);
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cts.Token);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            return new CliRun(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Runs handoff synchronously with NO_COLOR set, in <paramref name="workingDirectory"/>.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string workingDirectory, string? stdin, params string[] args)
    {
        var run = RunAsync(args, stdin, new Dictionary<string, string> { ["NO_COLOR"] = "1" }, workingDirectory: workingDirectory).GetAwaiter().GetResult();
        return (run.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>Runs another tool (diff, git, kubectl) bounded in time; returns its exit code and combined output.</summary>
    public static (int Code, string Output) Tool(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in 60 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static string RepoRoot() => Root;

    /// <summary>A start for handoff with no arguments yet: the native binary, or 'dotnet exec handoff.dll'.</summary>
    private static ProcessStartInfo StartInfo()
    {
        if (NativeBinary is { } binary)
        {
            File.Exists(binary).ShouldBeTrue($"{BinaryVariable}={binary}: no such file (run eng/publish.sh)");
            return new ProcessStartInfo(binary);
        }

        var start = new ProcessStartInfo("dotnet");
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Dll());
        return start;
    }

    private static string Dll()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "handoff.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} was not built next to the tests");
        return dll;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Handoff.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find Handoff.slnx above " + AppContext.BaseDirectory);
    }
}
