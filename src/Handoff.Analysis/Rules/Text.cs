using System.Globalization;

namespace Handoff.Analysis.Rules;

/// <summary>Formatting shared by every message: numbers carry units, names are quoted as 'x'.</summary>
public static class Text
{
    /// <summary>"10 s", "2.5 s".</summary>
    public static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s");

    /// <summary>"10", "2.5".</summary>
    public static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
