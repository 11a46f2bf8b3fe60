using System.Globalization;

namespace Handoff.Rollout.Tests.Support;

/// <summary>Looks at live processes through /proc (Linux).</summary>
internal static class Processes
{
    /// <summary>Whether <paramref name="pid"/> is alive (zombies count as gone).</summary>
    public static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Every descendant of <paramref name="root"/> alive now.</summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var text = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var (child, _) in parents.Where(kv => kv.Value == parent))
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }

        return result;
    }

    /// <summary>Waits until none of <paramref name="pids"/> is alive, or the timeout passes; returns the survivors.</summary>
    public static async Task<IReadOnlyList<int>> WaitGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var list = pids.ToList();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var alive = list.Where(IsAlive).ToList();
            if (alive.Count == 0 || waited.Elapsed > timeout)
            {
                return alive;
            }

            await Task.Delay(100);
        }
    }
}
