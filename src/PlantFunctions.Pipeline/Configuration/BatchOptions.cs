using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>How batches are split, retried and judged (<c>Plant:Batches</c>).</summary>
public sealed class BatchOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Batches";

    /// <summary>Notes per shard (one work item). Default 64. Captured in the batch when it is created.</summary>
    [Range(1, 100_000)]
    public int NotesPerShard { get; set; } = 64;

    /// <summary>
    /// Deliveries of a work item (crashes included) before the shard is poisoned and recorded as failed. Default 5.
    /// Also bounds the attempts of a planning message.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Failed notes (bad input records plus every note of a poisoned shard) a batch may have and still end
    /// <c>Completed</c>; one more and it ends <c>Failed</c>. -1 means no limit. Default -1. Captured per batch.
    /// </summary>
    [Range(-1, int.MaxValue)]
    public int ErrorThreshold { get; set; } = -1;

    /// <summary>Start batches from <c>{prefix}/_ready</c> marker blobs in the notes container. Default true.</summary>
    public bool WatchReadyMarkers { get; set; } = true;

    /// <summary>How often the coordinator lists the notes container for new ready markers. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan MarkerPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>First retry delay after a failed attempt; it doubles per attempt up to <see cref="MaxRetryDelay"/>. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest retry delay. Default 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "06:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the coordinator's recovery sweep looks at unfinished batches. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A batch without any progress for this long gets its planning message or its unfinished shards' work items sent
    /// again (duplicates are harmless). Default 30 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The wait before attempt <paramref name="failedAttempt"/> + 1: <see cref="RetryDelay"/> doubled per attempt, at most <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelayAfter(long failedAttempt)
    {
        double factor = Math.Pow(2, Math.Clamp(failedAttempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(MaxRetryDelay.Ticks, RetryDelay.Ticks * factor));
    }
}
