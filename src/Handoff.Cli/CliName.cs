using System.CommandLine;

namespace Handoff.Cli;

/// <summary>The name users type to run Handoff: 'handoff', or 'kubectl handoff' when run as the kubectl plugin.</summary>
internal static class CliName
{
    /// <summary>The prefix kubectl gives the executables it runs as plugins (kubectl-NAME answers 'kubectl NAME').</summary>
    public const string KubectlPluginPrefix = "kubectl-";

    /// <summary>The executable's own name, as System.CommandLine prints it in usage lines ('handoff', 'kubectl-handoff').</summary>
    public static string Executable => RootCommand.ExecutableName;

    /// <summary>What a user types: 'kubectl handoff' for the plugin, else the executable's name.</summary>
    public static string Display { get; } = ForExecutable(Executable);

    /// <summary>The command a user types to run <paramref name="executable"/>.</summary>
    public static string ForExecutable(string executable) =>
        executable.StartsWith(KubectlPluginPrefix, StringComparison.Ordinal) && executable.Length > KubectlPluginPrefix.Length
            ? "kubectl " + executable[KubectlPluginPrefix.Length..]
            : executable;

    /// <summary>Rewrites usage lines written by System.CommandLine ('  kubectl-handoff check ...') to the name a user types.</summary>
    public static string InUsage(string helpText) =>
        Executable == Display ? helpText : helpText.Replace("  " + Executable, "  " + Display, StringComparison.Ordinal);
}
