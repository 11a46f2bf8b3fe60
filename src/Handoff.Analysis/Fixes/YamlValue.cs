using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Handoff.Analysis.Fixes;

/// <summary>A small value a fix writes: a scalar or a mapping of them (fixes never write sequences).</summary>
public abstract record YamlValue
{
    /// <summary>A number, written plain.</summary>
    public static YamlValue Number(double value) => new YamlScalarValue(value.ToString("0.###", CultureInfo.InvariantCulture), IsString: false);

    /// <summary>A string, quoted only when YAML would read it as something else.</summary>
    public static YamlValue String(string value) => new YamlScalarValue(value, IsString: true);

    /// <summary>A mapping with keys in the given order.</summary>
    public static YamlValue Map(params (string Key, YamlValue Value)[] entries) => new YamlMapValue(entries);
}

/// <summary>A scalar.</summary>
/// <param name="Text">The value.</param>
/// <param name="IsString">Whether it is a string (else a number or boolean written as is).</param>
public sealed partial record YamlScalarValue(string Text, bool IsString) : YamlValue
{
    /// <summary>The scalar as YAML: plain when that reads back as the same string, else double-quoted.</summary>
    public string Render(bool json = false)
    {
        if (!IsString)
        {
            return Text;
        }

        return !json && SafePlain().IsMatch(Text) && !Reserved.Contains(Text) ? Text : Quote(Text);
    }

    /// <summary>The scalar in the quoting style of a scalar it replaces.</summary>
    public string Render(Yaml.ScalarStyle like, bool json = false) => !IsString ? Text : like switch
    {
        Yaml.ScalarStyle.SingleQuoted => "'" + Text.Replace("'", "''", StringComparison.Ordinal) + "'",
        Yaml.ScalarStyle.DoubleQuoted => Quote(Text),
        _ => Render(json),
    };

    /// <summary>Double-quotes <paramref name="text"/> with JSON-compatible escapes.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    // YAML 1.1 and 1.2 booleans, nulls and numbers must be quoted to stay strings.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9._/%-]*$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SafePlain();
}

/// <summary>A mapping.</summary>
/// <param name="Entries">Keys and values in order.</param>
public sealed record YamlMapValue(IReadOnlyList<(string Key, YamlValue Value)> Entries) : YamlValue;
