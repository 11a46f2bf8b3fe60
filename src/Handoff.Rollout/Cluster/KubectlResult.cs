namespace Handoff.Rollout.Cluster;

/// <summary>What one finished kubectl call printed and returned.</summary>
/// <param name="Arguments">The arguments kubectl got (after the executable), for messages.</param>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
public sealed record KubectlResult(IReadOnlyList<string> Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether kubectl exited with 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>The first non-empty line of stderr (kubectl's own error sentence), or a note about the exit code.</summary>
    public string ErrorLine
    {
        get
        {
            foreach (var line in StandardError.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.Length > 0)
                {
                    return trimmed;
                }
            }

            return $"kubectl exited with code {ExitCode} and printed no error";
        }
    }
}

/// <summary>kubectl could not be run at all, or a call did not finish in time.</summary>
public sealed class KubectlException : Exception
{
    /// <summary>Creates the exception with a sentence a user can act on.</summary>
    public KubectlException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a sentence a user can act on and its cause.</summary>
    public KubectlException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public KubectlException()
        : base("kubectl failed.")
    {
    }
}
