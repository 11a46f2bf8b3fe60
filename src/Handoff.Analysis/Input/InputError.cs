namespace Handoff.Analysis.Input;

/// <summary>A problem with the user's input: unreadable, malformed, or of the wrong type. Never an exception.</summary>
/// <param name="File">The file's display name.</param>
/// <param name="Line">1-based line, when there is one.</param>
/// <param name="Column">1-based column, when there is one.</param>
/// <param name="Message">One sentence a user can act on, ending with a period.</param>
public sealed record InputError(string File, int? Line, int? Column, string Message)
{
    /// <summary>"file:line:col: message" (line and column only where known).</summary>
    public override string ToString() => Line is { } line
        ? Column is { } column ? $"{File}:{line}:{column}: {Message}" : $"{File}:{line}: {Message}"
        : $"{File}: {Message}";
}
