using System.ComponentModel.DataAnnotations;

namespace PlantFunctions.Pipeline.Configuration;

/// <summary>How batches are split, retried and judged (<c>Plant:Batches</c>); captured in each batch's input when it starts.</summary>
public sealed class BatchOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Plant:Batches";

    /// <summary>Notes per shard (one <c>CodeShard</c> activity). Default 64.</summary>
    [Range(1, 100_000)]
    public int NotesPerShard { get; set; } = 64;

    /// <summary>
    /// Attempts of a shard (the activity's <c>RetryPolicy</c>) before its notes get error records. Default 5. A worker
    /// that dies mid-shard does not use up an attempt: the engine hands the shard to another worker after the work-item
    /// visibility timeout.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Failed notes (unreadable records plus every note of a failed shard) a batch may have and still end
    /// <c>Completed</c>; one more and it ends <c>Failed</c>. -1 means no limit. Default -1. Every note has a record either way.
    /// </summary>
    [Range(-1, int.MaxValue)]
    public int ErrorThreshold { get; set; } = -1;

    /// <summary>First retry delay after a failed attempt; it doubles per attempt up to <see cref="MaxRetryDelay"/>. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest retry delay. Default 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "06:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Shards the batch orchestration schedules per generation before it continues as new with its tallies, so that its
    /// history (and the time to replay it) stays bounded however large the batch: 100 shards is about 600 history rows.
    /// Default 100.
    /// </summary>
    [Range(1, 5_000)]
    public int ShardsPerGeneration { get; set; } = 100;

    /// <summary>Start batches from <c>{prefix}/_ready</c> marker blobs in the notes container (the local host's watcher). Default true.</summary>
    public bool WatchReadyMarkers { get; set; } = true;

    /// <summary>How often the local host lists the notes container for new ready markers. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan MarkerPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often terminated batches and training jobs are looked for to close them out (a batch terminated through the
    /// engine's own terminate URL still gets its error records and summary). Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
