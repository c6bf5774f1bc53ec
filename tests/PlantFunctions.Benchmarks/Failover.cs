using System.Globalization;
using System.Text.RegularExpressions;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// What killing a worker mid-batch cost: when it was killed (seconds after the batch was submitted, and how far the
/// batch was), how long the batch ran on after it, and how much of that time the other worker(s) sat idle with no
/// shard in flight (from their <c>Coding batch .. shard N</c> / <c>Coded batch .. shard N</c> log lines, timed as they
/// arrived).
/// </summary>
/// <param name="KilledAt">Submission to the kill.</param>
/// <param name="PercentAtKill">The batch's percentComplete when it was killed.</param>
/// <param name="AfterKill">Kill to the status URL answering that the batch finished.</param>
/// <param name="SurvivorIdle">Time within <see cref="AfterKill"/> the surviving workers had no shard in flight (the sum over them when there are several).</param>
/// <param name="SurvivorShards">Shards the surviving workers coded after the kill.</param>
/// <param name="LongestIdle">The longest stretch without a shard in flight after the kill.</param>
internal sealed partial record Failover(TimeSpan KilledAt, double PercentAtKill, TimeSpan AfterKill, TimeSpan SurvivorIdle, int SurvivorShards, TimeSpan LongestIdle)
{
    /// <summary>Measures the survivors' idle time between <paramref name="killed"/> and <paramref name="end"/> (times on the workers' clock).</summary>
    public static Failover Measure(IEnumerable<WorkerProcess> survivors, TimeSpan killed, TimeSpan end, TimeSpan submitted, double percent)
    {
        TimeSpan idle = TimeSpan.Zero, longest = TimeSpan.Zero;
        int shards = 0;
        foreach (var worker in survivors)
        {
            var busy = BusyIntervals(worker.Lines, end);
            var cursor = killed;
            foreach (var (start, stop) in busy.Where(b => b.Stop > killed && b.Start < end).OrderBy(b => b.Start))
            {
                var from = start < killed ? killed : start;
                if (from > cursor)
                {
                    idle += from - cursor;
                    longest = from - cursor > longest ? from - cursor : longest;
                }

                cursor = stop > cursor ? stop : cursor;
                shards += start >= killed ? 1 : 0;
            }

            if (end > cursor)
            {
                idle += end - cursor;
                longest = end - cursor > longest ? end - cursor : longest;
            }
        }

        return new Failover(killed - submitted, percent, end - killed, idle, shards, longest);
    }

    /// <summary>Start and end of every shard the worker's log shows it coding (a shard still open at the end runs to <paramref name="end"/>).</summary>
    private static List<(TimeSpan Start, TimeSpan Stop)> BusyIntervals(IReadOnlyList<(TimeSpan At, string Line)> lines, TimeSpan end)
    {
        var open = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var intervals = new List<(TimeSpan, TimeSpan)>();
        foreach (var (at, line) in lines)
        {
            if (Started().Match(line) is { Success: true } started)
            {
                open[Key(started)] = at;
            }
            else if (Finished().Match(line) is { Success: true } finished && open.Remove(Key(finished), out var start))
            {
                intervals.Add((start, at));
            }
        }

        intervals.AddRange(open.Values.Select(start => (start, end)));
        return intervals;
    }

    private static string Key(Match match) => match.Groups[1].Value + "/" + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Coding batch (\S+) shard (\d+) in process")]
    private static partial Regex Started();

    [GeneratedRegex(@"Coded batch (\S+) shard (\d+):")]
    private static partial Regex Finished();
}
