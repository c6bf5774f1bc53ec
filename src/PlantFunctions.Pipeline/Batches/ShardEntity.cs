using Azure;
using Azure.Data.Tables;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>A shard row (<c>{Hub}Shards</c>, partition = batch id, row "shard-000000").</summary>
internal sealed class ShardEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Index { get; set; }

    public int NoteCount { get; set; }

    public int InputErrors { get; set; }

    public string Status { get; set; } = "Pending";

    public int Attempts { get; set; }

    public string? Worker { get; set; }

    public DateTimeOffset? StartedTime { get; set; }

    public DateTimeOffset? CompletedTime { get; set; }

    public int NotesCoded { get; set; }

    public int NotesFailed { get; set; }

    public long CodingMilliseconds { get; set; }

    public string? LastError { get; set; }

    public bool Enqueued { get; set; }
}
