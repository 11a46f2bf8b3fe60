using Grpc.AspNetCore.Server;
using Handoff.AspNetCore.Grpc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Handoff drain to gRPC services.</summary>
public static class HandoffGrpcServerBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="HandoffGrpcDrainInterceptor"/> to every gRPC service, first in line, so that streaming calls end
    /// with status UNAVAILABLE at their turn in the drain. Needs <c>services.AddHandoff()</c>.
    /// </summary>
    /// <param name="builder">The builder <c>services.AddGrpc()</c> returned.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IGrpcServerBuilder AddHandoffDrain(this IGrpcServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<HandoffGrpcDrainInterceptor>();

        // First in the list is outermost: the app's own interceptors run inside the drained call and see its token.
        builder.Services.Configure<GrpcServiceOptions>(o =>
        {
            o.Interceptors.Add<HandoffGrpcDrainInterceptor>();
            var registration = o.Interceptors[^1];
            o.Interceptors.RemoveAt(o.Interceptors.Count - 1);
            o.Interceptors.Insert(0, registration);
        });
        return builder;
    }
}
