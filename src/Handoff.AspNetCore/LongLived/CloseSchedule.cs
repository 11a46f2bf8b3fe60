namespace Handoff.AspNetCore.LongLived;

/// <summary>
/// When each long-lived connection is asked to close during the drain: spread over a window, jittered, and never
/// faster than a rate, so that the clients' reconnects do not all land on the remaining pods in the same second.
/// </summary>
/// <remarks>
/// The window is cut into one slot per connection, each at least <c>1 / maxPerSecond</c> long, and every connection
/// closes at a random moment inside its own slot. With more connections than the window holds at that rate the slots
/// keep their minimum length and the closes run past the window: the rate wins, because a reconnect storm is what the
/// spread is for. <see cref="LongLivedConnectionOptions"/> is validated so that the window fits the drain timeout.
/// </remarks>
internal static class CloseSchedule
{
    /// <summary>The offsets from the start of the drain, in ascending order, one per connection.</summary>
    /// <param name="count">How many connections are open when the drain starts.</param>
    /// <param name="window">The window to spread the closes over.</param>
    /// <param name="maxPerSecond">The most closes in any one second (on average over a slot).</param>
    /// <param name="random">The jitter source (seeded in tests).</param>
    public static IReadOnlyList<TimeSpan> Offsets(int count, TimeSpan window, double maxPerSecond, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPerSecond);
        ArgumentNullException.ThrowIfNull(random);
        if (count == 0)
        {
            return [];
        }

        var slotSeconds = Math.Max(window.TotalSeconds / count, 1 / maxPerSecond);
        var offsets = new TimeSpan[count];
        for (var i = 0; i < count; i++)
        {
            offsets[i] = TimeSpan.FromSeconds((i + random.NextDouble()) * slotSeconds);
        }

        return offsets;
    }
}
