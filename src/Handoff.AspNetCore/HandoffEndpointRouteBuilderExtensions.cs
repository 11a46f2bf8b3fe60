using Handoff.AspNetCore;
using Handoff.AspNetCore.Probes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Handoff probe and preStop endpoints.</summary>
public static class HandoffEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps GET endpoints for the startup, readiness and liveness probes at the configured paths
    /// (defaults <c>/healthz/startup</c>, <c>/healthz/ready</c>, <c>/healthz/live</c>).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder for the three endpoints, to add conventions such as <c>RequireHost</c>.</returns>
    /// <exception cref="InvalidOperationException"><c>AddHandoff</c> was not called.</exception>
    public static IEndpointConventionBuilder MapHandoffProbes(this IEndpointRouteBuilder endpoints)
    {
        var options = GetOptions(endpoints);
        var group = endpoints.MapGroup(string.Empty);
        group.MapGet(options.Probes.StartupPath, ProbeEndpoints.StartupAsync).WithDisplayName("Handoff startup probe");
        group.MapGet(options.Probes.ReadinessPath, ProbeEndpoints.ReadinessAsync).WithDisplayName("Handoff readiness probe");
        group.MapGet(options.Probes.LivenessPath, ProbeEndpoints.LivenessAsync).WithDisplayName("Handoff liveness probe");
        return group;
    }

    /// <summary>
    /// Maps the endpoint for a Kubernetes httpGet preStop hook (default <c>/handoff/prestop</c>): it begins the
    /// shutdown sequence and answers when the shutdown delay is over, so SIGTERM follows at the right moment.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder for the endpoint.</returns>
    /// <exception cref="InvalidOperationException"><c>AddHandoff</c> was not called.</exception>
    public static IEndpointConventionBuilder MapHandoffPreStop(this IEndpointRouteBuilder endpoints)
    {
        var options = GetOptions(endpoints);
        return endpoints.MapMethods(options.PreStopPath, [HttpMethods.Get, HttpMethods.Post], ProbeEndpoints.PreStopAsync)
            .WithDisplayName("Handoff preStop hook");
    }

    private static HandoffOptions GetOptions(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<ProbeState>() is null)
        {
            throw new InvalidOperationException("Call 'builder.Services.AddHandoff()' before mapping the Handoff endpoints.");
        }

        return endpoints.ServiceProvider.GetRequiredService<IOptions<HandoffOptions>>().Value;
    }
}
