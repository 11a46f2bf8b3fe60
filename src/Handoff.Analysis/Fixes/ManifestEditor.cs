using System.Text;

namespace Handoff.Analysis.Fixes;

/// <summary>Applies <see cref="TextEdit"/>s to a text, keeping every character outside them.</summary>
public static class ManifestEditor
{
    /// <summary>Returns <paramref name="text"/> with <paramref name="edits"/> applied.</summary>
    /// <exception cref="ArgumentException">Two edits overlap, or one lies outside the text (a bug in a fixer).</exception>
    public static string Apply(string text, IEnumerable<TextEdit> edits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(edits);
        var ordered = edits.Select((e, i) => (Edit: e, Index: i))
            .OrderBy(x => x.Edit.Start).ThenBy(x => x.Edit.End).ThenBy(x => x.Edit.Order).ThenBy(x => x.Index)
            .Select(x => x.Edit).ToList();
        var sb = new StringBuilder(text.Length + ordered.Sum(e => e.Text.Length));
        var position = 0;
        foreach (var edit in ordered)
        {
            if (edit.Start < position || edit.End < edit.Start || edit.End > text.Length)
            {
                throw new ArgumentException($"Edit [{edit.Start}, {edit.End}) overlaps another or lies outside the text of {text.Length} characters.", nameof(edits));
            }

            sb.Append(text, position, edit.Start - position).Append(edit.Text);
            position = edit.End;
        }

        return sb.Append(text, position, text.Length - position).ToString();
    }
}
