using Azure;
using Azure.Data.Tables;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>
/// The counters of a batch (<c>{Hub}Shards</c>, partition = batch id, row "progress"). It shares the partition with the
/// shard rows so a shard's completion and the counters change in one transaction: a count is never lost or doubled.
/// </summary>
internal sealed class ProgressEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = BatchStore.ProgressRowKey;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int ShardsCompleted { get; set; }

    public int ShardsFailed { get; set; }

    public int NotesCoded { get; set; }

    public int NotesFailed { get; set; }

    public long CodingMilliseconds { get; set; }

    public DateTimeOffset LastProgressTime { get; set; }

    public int ShardsDone => ShardsCompleted + ShardsFailed;
}
