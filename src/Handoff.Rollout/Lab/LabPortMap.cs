using System.Globalization;

namespace Handoff.Rollout.Lab;

/// <summary>The loopback ports one lab pod listens on: a free port for the traffic port and one for every other container port it uses.</summary>
/// <remarks>
/// In a cluster every pod has its own IP, so a management port (Spring Actuator's 8081, lightship's 9000, the
/// OpenTelemetry collector's 13133) is the same number in every pod. On one loopback interface each pod needs its own
/// numbers: the app is told them through <c>{port:NAME}</c> in <c>--app</c> and <c>HANDOFF_PORT_NAME</c> in its environment.
/// </remarks>
public sealed class LabPortMap
{
    private readonly IReadOnlyList<(LabPort Port, int Host)> _all;

    private LabPortMap(int traffic, IReadOnlyList<(LabPort Port, int Host)> all)
    {
        Traffic = traffic;
        _all = all;
    }

    /// <summary>The loopback port the load balancer sends traffic to ({port}).</summary>
    public int Traffic { get; }

    /// <summary>Every container port with the loopback port it got, the traffic port first (when the manifest declares one).</summary>
    public IReadOnlyList<(LabPort Port, int Host)> All => _all;

    /// <summary>The port name gRPC traffic goes to: a container port of that name, else one the lab adds for the run.</summary>
    public const string GrpcPortName = "grpc";

    /// <summary>
    /// Free ports for <paramref name="spec"/>'s container ports; with <paramref name="grpc"/> also a 'grpc' port for the
    /// h2c listener gRPC traffic goes to, when the container declares none of that name.
    /// </summary>
    public static LabPortMap Allocate(LabDeploymentSpec spec, Func<int> nextFreePort, bool grpc = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(nextFreePort);
        var traffic = nextFreePort();
        var all = new List<(LabPort, int)>();
        foreach (var port in spec.Ports)
        {
            all.Add((port, port.Number == spec.ContainerPort ? traffic : nextFreePort()));
        }

        if (grpc && !spec.Ports.Any(p => string.Equals(p.Name, GrpcPortName, StringComparison.Ordinal)))
        {
            // Not a container port: Number 0 says the manifest does not declare it.
            all.Add((new LabPort(GrpcPortName, 0), nextFreePort()));
        }

        return new LabPortMap(traffic, all);
    }

    /// <summary>The loopback port for a container port number, or the traffic port for null.</summary>
    public int For(int? containerPort) =>
        containerPort is { } number and not 0 && _all.FirstOrDefault(p => p.Port.Number == number) is { Port: not null } found ? found.Host : Traffic;

    /// <summary>The loopback port for a name or a number as <c>{port:X}</c> writes it, or null when the manifest has no such port.</summary>
    public int? Find(string nameOrNumber)
    {
        ArgumentNullException.ThrowIfNull(nameOrNumber);
        foreach (var (port, host) in _all)
        {
            if (string.Equals(port.Name, nameOrNumber, StringComparison.Ordinal) || port.Number.ToString(CultureInfo.InvariantCulture) == nameOrNumber)
            {
                return host;
            }
        }

        return null;
    }

    /// <summary>The environment variable a named port is passed in: HANDOFF_PORT_ and the name in upper case, '-' as '_'.</summary>
    public static string VariableFor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "HANDOFF_PORT_" + name.ToUpperInvariant().Replace('-', '_');
    }
}
