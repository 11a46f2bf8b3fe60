using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Handoff.Rollout.Lab;

/// <summary>The command that runs one pod: a template with {port}, {port:NAME} (also {port:grpc} with gRPC traffic) and {pod} placeholders, split like a shell would (quotes), run without a shell.</summary>
/// <remarks>
/// {port} is the pod's traffic port (the container's first port), {port:NAME} (or {port:8081}) the loopback port the
/// pod got for another container port, such as a management port its probes use. Every pod process also gets
/// HANDOFF_POD_NAME, PORT, ASPNETCORE_URLS (http://127.0.0.1:PORT) and HANDOFF_PORT_NAME for each named port in its
/// environment, plus the container's plain env entries from the manifest. Example:
/// <c>java -jar app.jar --server.port={port} --management.server.port={port:management}</c>.
/// </remarks>
public sealed partial class AppCommand
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

        var command = new AppCommand(template, words);
        foreach (var placeholder in command.NamedPorts)
        {
            if (placeholder.Length == 0)
            {
                throw new LabException("The --app command has an empty '{port:}' placeholder; write {port:NAME} with a container port's name or number.");
            }
        }

        return command;
    }

    /// <summary>What the {port:X} placeholders name, in order of appearance.</summary>
    public IReadOnlyList<string> NamedPorts =>
        [.. Words.SelectMany(w => NamedPortPlaceholder().Matches(w)).Select(m => m.Groups["name"].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>Why this command cannot run <paramref name="spec"/>'s pods: a {port:X} the manifest does not declare ({port:grpc} is known with gRPC traffic).</summary>
    public IEnumerable<string> Problems(LabDeploymentSpec spec, bool grpc = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var map = LabPortMap.Allocate(spec, () => 1, grpc);
        foreach (var name in NamedPorts.Where(n => map.Find(n) is null))
        {
            var declared = spec.Ports.Select(p => p.Name is null ? p.Number.ToString(CultureInfo.InvariantCulture) : $"{p.Name} ({p.Number.ToString(CultureInfo.InvariantCulture)})").ToList();
            yield return $"The --app command uses {{port:{name}}}, but the container of '{spec.Name}' has no such port ({(declared.Count > 0 ? "ports: " + string.Join(", ", declared) : "it declares none")}).";
        }
    }

    /// <summary>The words for one pod, placeholders filled in.</summary>
    public IReadOnlyList<string> For(string pod, LabPortMap ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return [.. Words.Select(w => Fill(w, pod, ports))];
    }

    /// <summary>The environment every pod gets on top of the manifest's env.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(string pod, LabPortMap ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var p = ports.Traffic.ToString(CultureInfo.InvariantCulture);
        yield return new("HANDOFF_POD_NAME", pod);
        yield return new("PORT", p);
        yield return new("ASPNETCORE_URLS", $"http://127.0.0.1:{p}");
        foreach (var (port, host) in ports.All.Where(x => x.Port.Name is not null))
        {
            yield return new(LabPortMap.VariableFor(port.Name!), host.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static string Fill(string word, string pod, LabPortMap ports)
    {
        var named = NamedPortPlaceholder().Replace(word, m => (ports.Find(m.Groups["name"].Value) ?? throw new LabException($"The --app command uses {m.Value}, which the manifest does not declare.")).ToString(CultureInfo.InvariantCulture));
        return named.Replace("{port}", ports.Traffic.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{pod}", pod, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{port:(?<name>[^{}]*)\}", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NamedPortPlaceholder();

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
