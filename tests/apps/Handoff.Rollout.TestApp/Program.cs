// A pod for the lab tests. Same contract as samples/Handoff.Sample.Api: run with '--urls http://127.0.0.1:PORT',
// HANDOFF_POD_NAME names the pod and is sent back as 'X-Backend'. Shutdown is plain ASP.NET Core: on SIGTERM
// Kestrel stops accepting at once and drains in-flight requests, which is what the naive rollout needs.
// TESTAPP_STOP_DELAY_SECONDS (default 0) keeps serving that long after SIGTERM with readiness 503, a stand-in
// for an in-app shutdown delay. HANDOFF_PORT_MANAGEMENT (set by the lab for a container port named 'management')
// moves the health endpoints to that port only, as Spring Actuator's management.server.port does: a probe sent to
// the traffic port then gets 404.
// Two switches for the load generator's no-retry test: TESTAPP_REUSE_PORT=1 binds with SO_REUSEPORT, so two
// processes share one port and the kernel spreads new connections over them (a stand-in for a load balancer that
// sends a retry elsewhere); TESTAPP_HOLD_AFTER=N answers the first N requests on '/' and holds every later one
// forever, writing 'held CONNECTION ORDINAL' to stdout as it arrives (ORDINAL: the request's place on its connection).
// TESTAPP_LOG_SLOW=1 writes 'slow begin' and 'slow end' around each '/slow' request.
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

var builder = WebApplication.CreateSlimBuilder(args);

// The slim builder leaves HTTPS out; tests serve https:// with a certificate from Kestrel__Certificates__Default__Path.
builder.WebHost.UseKestrelHttpsConfiguration();
builder.Logging.ClearProviders();
if (Environment.GetEnvironmentVariable("TESTAPP_REUSE_PORT") == "1")
{
    builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = BindSharedPort);
}

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

var holdAfter = int.TryParse(Environment.GetEnvironmentVariable("TESTAPP_HOLD_AFTER"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var h) ? h : -1;
var answered = 0;
var requestsByConnection = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
app.MapGet("/", async (HttpContext context) =>
{
    var ordinal = requestsByConnection.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
    if (holdAfter >= 0 && Interlocked.Increment(ref answered) > holdAfter)
    {
        // Console.Out flushes each line: the test reads every line written before the SIGKILL.
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held {context.Connection.Id} {ordinal}"));
        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
    }

    return Results.Text("ok\n");
});
var logSlow = Environment.GetEnvironmentVariable("TESTAPP_LOG_SLOW") == "1";
app.MapGet("/slow", async (int? ms, CancellationToken ct) =>
{
    // TESTAPP_LOG_SLOW=1: 'slow begin' and 'slow end' on stdout, so a test can count what was in flight at a SIGKILL.
    if (logSlow)
    {
        Console.Out.WriteLine("slow begin");
    }

    await Task.Delay(Math.Clamp(ms ?? 100, 0, 60_000), ct);
    if (logSlow)
    {
        Console.Out.WriteLine("slow end");
    }

    return Results.Text("slow\n");
});
var management = Environment.GetEnvironmentVariable("HANDOFF_PORT_MANAGEMENT");
var health = management is null ? (IEndpointRouteBuilder)app : app.MapGroup("/").RequireHost($"*:{management}");
health.MapGet("/healthz/startup", () => Results.Text("started\n"));
health.MapGet("/healthz/live", () => Results.Text("live\n"));
health.MapGet("/healthz/ready", () => Volatile.Read(ref stopping) == 0 ? Results.Text("ready\n") : Results.StatusCode(503));

await app.RunAsync();

static Socket BindSharedPort(EndPoint endpoint)
{
    var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);

    // SOL_SOCKET (1), SO_REUSEPORT (15) on Linux: set before bind, on every socket that shares the port.
    socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
    socket.Bind(endpoint);
    return socket;
}
