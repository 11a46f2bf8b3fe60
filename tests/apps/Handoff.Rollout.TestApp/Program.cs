// A pod for the lab tests. Same contract as samples/Handoff.Sample.Api: run with '--urls http://127.0.0.1:PORT',
// HANDOFF_POD_NAME names the pod and is sent back as 'X-Backend'. Shutdown is plain ASP.NET Core: on SIGTERM
// Kestrel stops accepting at once and drains in-flight requests, which is what the naive rollout needs.
// TESTAPP_STOP_DELAY_SECONDS (default 0) keeps serving that long after SIGTERM with readiness 503, a stand-in
// for an in-app shutdown delay. HANDOFF_PORT_MANAGEMENT (set by the lab for a container port named 'management')
// moves the health endpoints to that port only, as Spring Actuator's management.server.port does: a probe sent to
// the traffic port then gets 404.
using System.Globalization;

var builder = WebApplication.CreateSlimBuilder(args);

// The slim builder leaves HTTPS out; tests serve https:// with a certificate from Kestrel__Certificates__Default__Path.
builder.WebHost.UseKestrelHttpsConfiguration();
builder.Logging.ClearProviders();
var app = builder.Build();

var pod = Environment.GetEnvironmentVariable("HANDOFF_POD_NAME") ?? "testapp";
var stopDelay = int.TryParse(Environment.GetEnvironmentVariable("TESTAPP_STOP_DELAY_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 0;
var stopping = 0;

app.Lifetime.ApplicationStopping.Register(() =>
{
    Interlocked.Exchange(ref stopping, 1);
    if (stopDelay > 0)
    {
        // Blocking here is the point: Kestrel keeps accepting until the stopping callbacks return.
        Thread.Sleep(TimeSpan.FromSeconds(stopDelay));
    }
});

app.Use((context, next) =>
{
    context.Response.Headers["X-Backend"] = pod;
    return next(context);
});

app.MapGet("/", () => Results.Text("ok\n"));
app.MapGet("/slow", async (int? ms, CancellationToken ct) =>
{
    await Task.Delay(Math.Clamp(ms ?? 100, 0, 60_000), ct);
    return Results.Text("slow\n");
});
var management = Environment.GetEnvironmentVariable("HANDOFF_PORT_MANAGEMENT");
var health = management is null ? (IEndpointRouteBuilder)app : app.MapGroup("/").RequireHost($"*:{management}");
health.MapGet("/healthz/startup", () => Results.Text("started\n"));
health.MapGet("/healthz/live", () => Results.Text("live\n"));
health.MapGet("/healthz/ready", () => Volatile.Read(ref stopping) == 0 ? Results.Text("ready\n") : Results.StatusCode(503));

await app.RunAsync();
