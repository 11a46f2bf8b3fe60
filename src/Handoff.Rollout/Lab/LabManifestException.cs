namespace Handoff.Rollout.Lab;

/// <summary>The manifest cannot be run by the lab: unreadable, or it uses something the lab does not emulate.</summary>
/// <remarks>The message is a sentence for the user; <see cref="File"/> and <see cref="Line"/> say where.</remarks>
public sealed class LabManifestException : Exception
{
    /// <summary>Creates the error.</summary>
    public LabManifestException(string file, int line, string message, int column = 0)
        : base(message)
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>Creates the error without a position.</summary>
    public LabManifestException()
        : this(string.Empty, 0, "The manifest cannot be run by the lab.")
    {
    }

    /// <summary>Creates the error without a position.</summary>
    public LabManifestException(string message)
        : this(string.Empty, 0, message)
    {
    }

    /// <summary>Creates the error without a position.</summary>
    public LabManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
    }

    /// <summary>The manifest file.</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The 1-based column, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>"file:line:column: message" (line and column where known), the one line a user sees.</summary>
    public override string ToString() =>
        Line <= 0 ? $"{File}: {Message}" : Column > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}: {Message}";
}
