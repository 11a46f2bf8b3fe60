// Usage: Handoff.LoadGenBench URL CONNECTIONS SECONDS
// Runs the load generator closed-loop (each connection sends its next request when the last one finished),
// the same shape as wrk, and prints one line: 'handoff-loadgen <requests/s> <requests> <failed>'.
using System.Globalization;
using Handoff.Rollout.Load;
using Handoff.Rollout.Timeline;

if (args.Length != 3)
{
    await Console.Error.WriteLineAsync("usage: Handoff.LoadGenBench URL CONNECTIONS SECONDS");
    return 2;
}

var options = new LoadOptions
{
    Target = new Uri(args[0]),
    Mode = LoadMode.ClosedLoop,
    Connections = int.Parse(args[1], CultureInfo.InvariantCulture),
    Duration = TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)),
};

// A short warm-up so that JIT tiering does not count against the generator (wrk is native code).
var warmUp = options with { Duration = TimeSpan.FromSeconds(2) };
await new LoadGenerator(new RunClock(TimeProvider.System)).RunAsync(warmUp, CancellationToken.None);

var result = await new LoadGenerator(new RunClock(TimeProvider.System)).RunAsync(options, CancellationToken.None);
var failed = result.Records.Count(r => r.Failed);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"handoff-loadgen {result.AchievedRate:0} {result.Records.Count} {failed}"));
return 0;
