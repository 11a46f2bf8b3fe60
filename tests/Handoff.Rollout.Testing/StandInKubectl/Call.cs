namespace Handoff.Rollout.Testing.StandInKubectl;

/// <summary>A kubectl command line split into positional words and flags, the way kubectl's flag parser reads it.</summary>
internal sealed class Call
{
    private static readonly HashSet<string> ValueFlags = new(StringComparer.Ordinal)
    {
        "context", "namespace", "n", "output", "o", "selector", "l", "field-selector", "timeout", "request-timeout", "kubeconfig",
    };

    private readonly Dictionary<string, string> _flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Call Parse(string[] args)
    {
        var call = new Call();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                call.Positional.Add(arg);
                continue;
            }

            var name = arg.TrimStart('-');
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                call._flags[Long(name[..equals])] = name[(equals + 1)..];
            }
            else if (ValueFlags.Contains(name) && i + 1 < args.Length)
            {
                call._flags[Long(name)] = args[++i];
            }
            else
            {
                call._flags[Long(name)] = "true";
            }
        }

        return call;
    }

    public string? Flag(string name) => _flags.TryGetValue(name, out var value) ? value : null;

    public bool Has(string name) => _flags.TryGetValue(name, out var value) && !string.Equals(value, "false", StringComparison.Ordinal);

    private static string Long(string name) => name switch
    {
        "n" => "namespace",
        "o" => "output",
        "l" => "selector",
        "w" => "watch",
        _ => name,
    };
}
