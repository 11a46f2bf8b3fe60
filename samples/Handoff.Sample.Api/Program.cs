using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Handoff.Sample.Api;

// The sample API of Handoff: a fast endpoint, a slow one, the probes and the preStop hook.
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

var app = builder.Build();

// The load balancer in the rollout lab tells replicas apart by this header.
var backend = new BackendName(Environment.GetEnvironmentVariable("HANDOFF_POD_NAME"));
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

app.Run();
