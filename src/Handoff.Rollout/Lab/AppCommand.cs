using System.Globalization;
using System.Text;

namespace Handoff.Rollout.Lab;

/// <summary>The command that runs one pod: a template with {port}, {pod} and (gRPC traffic) {port:grpc} placeholders, split like a shell would (quotes), run without a shell.</summary>
/// <remarks>
/// Every pod process also gets HANDOFF_POD_NAME, PORT and ASPNETCORE_URLS (http://127.0.0.1:PORT) in its
/// environment, plus the container's plain env entries from the manifest. Example:
/// <c>dotnet path/app.dll --urls http://127.0.0.1:{port}</c>.
/// </remarks>
public sealed class AppCommand
{
    private AppCommand(string template, IReadOnlyList<string> words)
    {
        Template = template;
        Words = words;
    }

    /// <summary>The template as given.</summary>
    public string Template { get; }

    /// <summary>The template split into words, placeholders kept.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Splits <paramref name="template"/>.</summary>
    /// <exception cref="LabException">Empty, or an unclosed quote.</exception>
    public static AppCommand Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in template)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new LabException($"The --app command has an unclosed {quote} quote.");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        if (words.Count == 0)
        {
            throw new LabException("The --app command is empty.");
        }

        return new AppCommand(template, words);
    }

    /// <summary>The words for one pod, placeholders filled in ({port:grpc} only when the pod has a gRPC port).</summary>
    public IReadOnlyList<string> For(string pod, int port, int? grpcPort = null) =>
        [.. Words.Select(w =>
        {
            var filled = grpcPort is { } g ? w.Replace("{port:grpc}", g.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) : w;
            return filled.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{pod}", pod, StringComparison.Ordinal);
        })];

    /// <summary>The environment every pod gets on top of the manifest's env (GRPC_PORT when the run sends gRPC).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(string pod, int port, int? grpcPort = null)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        yield return new("HANDOFF_POD_NAME", pod);
        yield return new("PORT", p);
        yield return new("ASPNETCORE_URLS", $"http://127.0.0.1:{p}");
        if (grpcPort is { } g)
        {
            yield return new("GRPC_PORT", g.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The sample API's command when its build output is found above <paramref name="start"/>, else null; for gRPC traffic it also serves h2c on {port:grpc}.</summary>
    public static AppCommand? SampleApi(string start, bool grpc = false)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var dll = Path.Combine(dir.FullName, "samples", "Handoff.Sample.Api", "bin", configuration, "net10.0", "Handoff.Sample.Api.dll");
                if (File.Exists(dll))
                {
                    return Parse($"dotnet \"{dll}\" --urls http://127.0.0.1:{{port}}" + (grpc ? " --Sample:GrpcPort={port:grpc}" : string.Empty));
                }
            }
        }

        return null;
    }
}
