namespace Handoff.Analysis.Fixes;

/// <summary>Replaces the characters [<paramref name="Start"/>, <paramref name="End"/>) of a file's text with <paramref name="Text"/>.</summary>
/// <param name="Start">First character replaced (an offset into <see cref="Input.SourceFile.Text"/>).</param>
/// <param name="End">One past the last character replaced; equal to <paramref name="Start"/> for an insertion.</param>
/// <param name="Text">The new text.</param>
/// <param name="Order">Breaks ties between insertions at the same offset: lower goes first (a new document goes after a new key).</param>
public readonly record struct TextEdit(int Start, int End, string Text, int Order = 0)
{
    /// <summary>Whether the edit only inserts.</summary>
    public bool IsInsertion => Start == End;

    /// <summary>Whether two edits touch the same characters (two insertions at one offset do not).</summary>
    public bool Overlaps(TextEdit other) =>
        (Start < other.End && other.Start < End)
        || (Start == other.Start && End == other.End && !IsInsertion)
        || (IsInsertion && !other.IsInsertion && Start > other.Start && Start < other.End)
        || (other.IsInsertion && !IsInsertion && other.Start > Start && other.Start < End);
}
