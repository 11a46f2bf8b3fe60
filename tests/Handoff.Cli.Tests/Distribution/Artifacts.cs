using System.Diagnostics;
using System.Reflection;

namespace Handoff.Cli.Tests.Distribution;

/// <summary>What eng/publish.sh builds: the native binary, the kubectl plugin and the two packages of one version.</summary>
internal static class Artifacts
{
    public static string Bin => Path.Combine(CliRunner.Root, "artifacts", "bin");

    public static string Packages => Path.Combine(CliRunner.Root, "artifacts", "packages");

    public static string Native => Path.Combine(Bin, "handoff");

    public static string KubectlPlugin => Path.Combine(Bin, "kubectl-handoff");

    /// <summary>The version every artifact carries: the one &lt;Version&gt; of Directory.Build.props, as built into handoff.dll.</summary>
    public static string Version { get; } =
        typeof(CliHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

    public static string ToolPackage => Path.Combine(Packages, $"Handoff.Tool.{Version}.nupkg");

    public static string LibraryPackage => Path.Combine(Packages, $"Handoff.AspNetCore.{Version}.nupkg");

    public static string LibrarySymbols => Path.Combine(Packages, $"Handoff.AspNetCore.{Version}.snupkg");

    /// <summary>Why the artifacts cannot be tested (which file is missing), or null when all are there.</summary>
    public static string? Missing()
    {
        var missing = new[] { Native, KubectlPlugin, ToolPackage, LibraryPackage, LibrarySymbols }.Where(f => !File.Exists(f)).ToList();
        return missing.Count == 0
            ? null
            : $"eng/publish.sh has not built {string.Join(", ", missing.Select(f => Path.GetRelativePath(CliRunner.Root, f)))} (version {Version})";
    }

    /// <summary>Fails the test, naming the missing files, when the artifacts are absent (the CI case: no skipping there).</summary>
    public static void Require() => Missing().ShouldBeNull();

    /// <summary>Runs <paramref name="file"/> bounded in time; returns its exit code, stdout and stderr.</summary>
    public static CliRun Run(string file, string workingDirectory, IDictionary<string, string?>? env, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds} s.");
        }

        process.WaitForExit();
        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh directory under the system temp folder, outside the repository (its build props must not apply).</summary>
    public static string TempDirectory(string purpose)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"handoff-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}

/// <summary>
/// A test of what eng/publish.sh builds. Skipped, with the missing file named, only when the artifacts are absent
/// and CI is not set; in CI (CI=true, as .ci/run and GitHub set it) the test runs and fails on the missing file.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class ArtifactFactAttribute : FactAttribute
{
    public ArtifactFactAttribute()
    {
        if (Artifacts.Missing() is { } reason && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = reason + "; run eng/publish.sh first.";
        }
    }
}
