using Handoff.AspNetCore;
using Handoff.AspNetCore.Diagnostics;
using Handoff.AspNetCore.Probes;
using Handoff.AspNetCore.LongLived;
using Handoff.AspNetCore.Shutdown;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Handoff graceful-shutdown and probe services.</summary>
public static class HandoffServiceCollectionExtensions
{
    /// <summary>
    /// Adds graceful shutdown (readiness flip, optional delay, bounded drain) and the probe services; options are
    /// bound from the configuration section <c>Handoff</c>, then <paramref name="configure"/> runs, and they are
    /// validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional code configuration applied after the configuration section.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddHandoff(this IServiceCollection services, Action<HandoffOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<HandoffOptions>().BindConfiguration(HandoffOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HandoffOptions>, HandoffOptionsValidator>());

        // The host must never cut the sequence short: its shutdown timeout (30 s by default) covers
        // the longest delay, the drain timeout and a buffer.
        services.TryAddSingleton<ShutdownTimeoutAdjustment>();
        services.AddOptions<HostOptions>().PostConfigure<IOptions<HandoffOptions>, ShutdownTimeoutAdjustment>((host, handoff, adjustment) =>
        {
            var budget = handoff.Value.ShutdownBudget;
            if (host.ShutdownTimeout != Timeout.InfiniteTimeSpan && host.ShutdownTimeout < budget)
            {
                adjustment.Record(host.ShutdownTimeout, budget);
                host.ShutdownTimeout = budget;
            }
        });

        services.AddHealthChecks();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RequestTracker>();
        services.TryAddSingleton<LongLivedConnections>();
        services.TryAddSingleton<IHandoffDrain>(sp => sp.GetRequiredService<LongLivedConnections>());

        // SignalR (in the shared framework) runs every hub's connections through this filter; without hubs it is unused.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HubOptions>, HubDrainFilterSetup>());
        services.TryAddSingleton<HandoffMetrics>();
        services.TryAddSingleton<ShutdownCoordinator>();
        services.TryAddSingleton<ProbeState>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HandoffLifecycleService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, HandoffStartupFilter>());
        return services;
    }

    /// <summary>Adds the hub drain filter once, however often AddHandoff is called.</summary>
    private sealed class HubDrainFilterSetup : IConfigureOptions<HubOptions>
    {
        public void Configure(HubOptions options) => options.AddFilter<HubDrainFilter>();
    }

    private sealed class HandoffStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<HandoffMiddleware>();

            // WebSockets accepted anywhere in the app's pipeline are closed by the drain (1001, going away). The
            // WebSockets middleware reads its WebSocketOptions from services.Configure<WebSocketOptions>.
            if (app.ApplicationServices.GetRequiredService<IOptions<HandoffOptions>>().Value.LongLivedConnections.CloseWebSockets)
            {
                app.UseWebSockets();
                app.UseMiddleware<WebSocketCloseMiddleware>();
            }

            next(app);
        };
    }
}
