using System.Diagnostics;

namespace PlantFunctions.Model.Runtime;

/// <summary>
/// Where coding time goes, per stage (tokenization, batching, encoder, the decoder's A, S and P passes, evidence,
/// output), summed over a run. Off unless a caller collects on its thread (<see cref="Collect"/>): a benchmark does, the
/// product does not, and then <see cref="Time"/> costs a null check. Stages are timed on the host; tensor work on a
/// CPU device is synchronous, so the times are the work's (on a GPU they would be launch times).
/// </summary>
public sealed class StageTimes
{
    [ThreadStatic]
    private static StageTimes? current;

    private readonly Dictionary<string, long> ticks = new(StringComparer.Ordinal);
    private readonly List<string> order = [];

    /// <summary>Seconds per stage, in the order the stages first ran.</summary>
    public IReadOnlyList<(string Stage, double Seconds)> Seconds =>
        [.. order.Select(s => (s, ticks[s] / (double)Stopwatch.Frequency))];

    /// <summary>Collects the stages timed on this thread into <paramref name="times"/> until the result is disposed.</summary>
    public static Collection Collect(StageTimes times)
    {
        var previous = current;
        current = times;
        return new Collection(previous);
    }

    /// <summary>Times a stage until the result is disposed (nothing when no one collects on this thread).</summary>
    public static Timing Time(string stage) => new(current, stage, current is null ? 0 : Stopwatch.GetTimestamp());

    /// <summary>Forgets what was collected.</summary>
    public void Clear()
    {
        ticks.Clear();
        order.Clear();
    }

    private void Add(string stage, long elapsed)
    {
        if (!ticks.TryGetValue(stage, out long total))
        {
            order.Add(stage);
        }

        ticks[stage] = total + elapsed;
    }

    /// <summary>Ends a collection and restores the one before it.</summary>
    public readonly struct Collection(StageTimes? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => current = previous;
    }

    /// <summary>One timed stage.</summary>
    public readonly struct Timing(StageTimes? times, string stage, long started) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => times?.Add(stage, Stopwatch.GetTimestamp() - started);
    }
}
