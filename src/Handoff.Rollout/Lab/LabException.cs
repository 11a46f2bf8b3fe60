namespace Handoff.Rollout.Lab;

/// <summary>The lab cannot run here (HAProxy missing, the app does not start, bad options); the message says why.</summary>
public sealed class LabException : Exception
{
    /// <summary>Creates the error.</summary>
    public LabException()
    {
    }

    /// <summary>Creates the error with a sentence for the user.</summary>
    public LabException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a cause.</summary>
    public LabException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
