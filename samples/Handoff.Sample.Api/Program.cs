using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Handoff.Sample.Api;

// The sample API of Handoff: a fast endpoint, a slow one, the probes and the preStop hook, a WebSocket echo, an SSE
// stream and the lab's gRPC streaming service (on its own h2c port, 'Sample:GrpcPort').
// 'Sample:UseHandoff=false' (env Sample__UseHandoff=false) runs it as plain ASP.NET Core, for comparisons.
// Content root = the app's folder, so appsettings.json applies whatever the working directory is.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
    o.UseUtcTimestamp = true;
});

var useHandoff = builder.Configuration.GetValue("Sample:UseHandoff", defaultValue: true);
if (useHandoff)
{
    builder.Services.AddHandoff();
}

// gRPC: with the library every streaming call ends with UNAVAILABLE at its turn in the drain (the one line an app
// adds is AddHandoffDrain); plain ASP.NET Core resets open streams at its shutdown timeout.
var grpc = builder.Services.AddGrpc();
if (useHandoff)
{
    grpc.AddHandoffDrain();
}

// h2c (HTTP/2 without TLS, what gRPC load balancers speak to pods) on a port of its own, beside the app's URLs.
if (builder.Configuration.GetValue<int?>("Sample:GrpcPort") is { } grpcPort)
{
    builder.WebHost.UseUrls(H2cEndpoint.WithGrpcPort(
        builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey), builder.WebHost.GetSetting(WebHostDefaults.HttpPortsKey), grpcPort));
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint =>
    {
        if (endpoint.IPEndPoint?.Port == grpcPort)
        {
            endpoint.Protocols = HttpProtocols.Http2;
        }
    }));
}

// The host's shutdown timeout (30 s by default); AddHandoff raises it to cover its own delay and drain.
if (builder.Configuration.GetValue<double?>("Sample:ShutdownTimeoutSeconds") is { } shutdownTimeout)
{
    builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(shutdownTimeout));
}

// The load balancer in the rollout lab tells replicas apart by this header (and gRPC replies by their 'backend').
var backend = new BackendName(Environment.GetEnvironmentVariable("HANDOFF_POD_NAME"));
builder.Services.AddSingleton(backend);

var app = builder.Build();
app.Lifetime.ApplicationStarted.Register(() =>
    backend.UseServerAddresses(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()));
app.Use((context, next) =>
{
    context.Response.Headers["X-Backend"] = backend.Value;
    return next(context);
});

if (useHandoff)
{
    app.MapHandoffProbes();
    app.MapHandoffPreStop();
}
else
{
    // Plain ASP.NET Core: the probes answer 200 until the process is gone.
    app.MapGet("/healthz/startup", () => "started");
    app.MapGet("/healthz/ready", () => "ready");
    app.MapGet("/healthz/live", () => "alive");
}

// Counted so a test can compare what the server answered with what its clients received.
var served = new ServedCounter();
app.Lifetime.ApplicationStopped.Register(() => served.Report(app.Logger));
app.MapGet("/", () =>
{
    served.Increment();
    return "ok";
});
app.MapGet("/slow", async (int? ms, CancellationToken cancellationToken) =>
{
    await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp(ms ?? 1000, 0, 600_000)), cancellationToken);
    return "slow ok";
});

// Long-lived traffic: a WebSocket echo and a server-sent event stream. With the library the drain closes the socket
// (close frame 1001) and ends the stream (with a retry hint) at their turn; plain ASP.NET Core aborts both at its
// shutdown timeout.
app.UseWebSockets();
app.Map("/ws", async context =>
{
    if (!context.WebSockets.IsWebSocketRequest)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return;
    }

    using var socket = await context.WebSockets.AcceptWebSocketAsync();
    var buffer = new byte[4096];
    var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
    while (result.MessageType != System.Net.WebSockets.WebSocketMessageType.Close)
    {
        await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
        result = await socket.ReceiveAsync(buffer, context.RequestAborted);
    }

    await socket.CloseAsync(result.CloseStatus ?? System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, context.RequestAborted);
});
app.MapGet("/events", async (HttpContext context) =>
{
    var closing = useHandoff ? context.GetHandoffCloseToken() : CancellationToken.None;
    context.Response.ContentType = "text/event-stream";
    var n = 0;
    while (!closing.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
    {
        await context.Response.WriteAsync($"id: {n}\ndata: {n}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        n++;
        await Task.WhenAny(Task.Delay(200, context.RequestAborted), Task.Delay(Timeout.Infinite, closing));
    }

    if (closing.IsCancellationRequested)
    {
        await context.Response.WriteAsync("retry: 1000\nevent: closing\ndata: reconnect\n\n", context.RequestAborted);
    }
});

app.MapGrpcService<StreamEchoService>();

app.Run();
