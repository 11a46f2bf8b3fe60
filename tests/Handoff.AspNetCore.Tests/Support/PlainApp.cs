using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Handoff.AspNetCore.Tests.Support;

/// <summary>A real Kestrel app on 127.0.0.1, port 0, without the library: what users have today, for comparisons.</summary>
internal sealed class PlainApp : IAsyncDisposable
{
    private PlainApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    /// <summary>Starts the app with the host's shutdown timeout given (Kestrel aborts what is open when it passes).</summary>
    public static async Task<PlainApp> StartAsync(
        TimeSpan shutdownTimeout,
        Action<IServiceCollection> services,
        Action<WebApplication> endpoints,
        HttpProtocols protocols = HttpProtocols.Http1)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = protocols));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = shutdownTimeout);
        services(builder.Services);
        var app = builder.Build();
        endpoints(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new PlainApp(app, address);
    }

    /// <summary>Starts the host's stop (what SIGTERM leads to) without waiting for it.</summary>
    public Task BeginStopAsync() => Task.Run(() => App.StopAsync());

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await App.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping was bounded; disposing below ends whatever is left.
        }

        await App.DisposeAsync();
    }
}
