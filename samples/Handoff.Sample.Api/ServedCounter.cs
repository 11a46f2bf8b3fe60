namespace Handoff.Sample.Api;

/// <summary>Counts the answers of the fast endpoint and logs the total when the app stops.</summary>
internal sealed partial class ServedCounter
{
    private long _count;

    public void Increment() => Interlocked.Increment(ref _count);

    public void Report(ILogger logger)
    {
        var count = Interlocked.Read(ref _count);
        LogServed(logger, count);
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Sample served {Count} requests on '/'.")]
    private static partial void LogServed(ILogger logger, long count);
}
