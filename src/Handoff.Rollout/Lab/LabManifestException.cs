using Handoff.Analysis.Input;

namespace Handoff.Rollout.Lab;

/// <summary>The manifest cannot be run by the lab: unreadable, or it uses something the lab does not emulate.</summary>
/// <remarks>
/// Carries every problem found (<see cref="Errors"/>), each with its position; <see cref="File"/>, <see cref="Line"/>,
/// <see cref="Column"/> and the message are the first one's.
/// </remarks>
public sealed class LabManifestException : Exception
{
    /// <summary>Creates the error from the problems found (at least one).</summary>
    public LabManifestException(IReadOnlyList<InputError> errors)
        : base(First(errors).Message)
    {
        Errors = errors;
        var first = First(errors);
        File = first.File;
        Line = first.Line ?? 0;
        Column = first.Column ?? 0;
    }

    /// <summary>Creates the error.</summary>
    public LabManifestException(string file, int line, string message, int column = 0)
        : this([new InputError(file, line > 0 ? line : null, column > 0 ? column : null, message)])
    {
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
        Errors = [new InputError(string.Empty, null, null, message)];
    }

    /// <summary>Every problem found, in manifest order.</summary>
    public IReadOnlyList<InputError> Errors { get; }

    /// <summary>The manifest file.</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The 1-based column, or 0 when unknown.</summary>
    public int Column { get; }

    /// <summary>One "file:line:column: message" line per problem (line and column where known).</summary>
    public override string ToString() => string.Join(Environment.NewLine, Errors.Select(e => e.ToString()));

    private static InputError First(IReadOnlyList<InputError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count > 0 ? errors[0] : new InputError(string.Empty, null, null, "The manifest cannot be run by the lab.");
    }
}
