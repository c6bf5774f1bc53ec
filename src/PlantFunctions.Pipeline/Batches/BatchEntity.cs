using Azure;
using Azure.Data.Tables;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>The batch row (<c>{Hub}Batches</c>, partition = batch id, row "batch"). Settings are captured at creation.</summary>
internal sealed class BatchEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = BatchStore.BatchRowKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Status { get; set; } = "Pending";

    public string Origin { get; set; } = "api";

    public string NotesContainer { get; set; } = "";

    public string Prefix { get; set; } = "";

    public string ModelName { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public string ModelBlob { get; set; } = "";

    public int NotesPerShard { get; set; }

    public int ErrorThreshold { get; set; }

    public int MaxNoteChars { get; set; }

    /// <summary>At least this many codes per note (captured from the request).</summary>
    public int MinCodes { get; set; }

    /// <summary>Probability threshold, or null for the model's tuned one (captured from the request).</summary>
    public double? Threshold { get; set; }

    public DateTimeOffset CreatedTime { get; set; }

    public DateTimeOffset LastUpdatedTime { get; set; }

    public DateTimeOffset? StartedTime { get; set; }

    public DateTimeOffset? CompletedTime { get; set; }

    public int ShardCount { get; set; } = -1;

    public int NoteCount { get; set; }

    public int InputErrors { get; set; }

    public int SkippedFiles { get; set; }

    public bool SummaryWritten { get; set; }

    public string? Error { get; set; }

    public string BatchId => PartitionKey;
}
