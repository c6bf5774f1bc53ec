using System.Globalization;
using Azure.Data.Tables;

namespace PlantFunctions.Benchmarks;

/// <summary>
/// What one orchestration instance occupies in DTFx's Azure Storage tables: its partition of <c>{hub}History</c> (one
/// row per history event, RowKey = the event's sequence number in its execution, plus the <c>sentinel</c> row) and its
/// row of <c>{hub}Instances</c>. A generation (ContinueAsNew) writes its events from RowKey 0 again over the previous
/// generation's rows (upsert, no delete), so the partition holds the last execution's rows plus the tail of any longer
/// earlier one: the highest RowKey + 1 is the largest generation's event count.
/// </summary>
/// <param name="LastExecutionId">The execution the sentinel row names (the last generation).</param>
/// <param name="LastExecutionRows">History rows of the last execution (its events).</param>
/// <param name="LastExecutionBytes">Their size (<see cref="EntityBytes"/>).</param>
/// <param name="LastExecutionEpisodes">OrchestratorStarted events of the last execution: the episodes (replays) it ran.</param>
/// <param name="PartitionRows">All rows of the instance's partition (last execution, older generations' leftovers, sentinel).</param>
/// <param name="PartitionBytes">Their size.</param>
/// <param name="LargestGenerationEvents">Highest RowKey + 1: events of the largest generation.</param>
/// <param name="BlobProperties">Properties moved to the large-message blob container (names ending in BlobName).</param>
/// <param name="InstanceRowBytes">Size of the instance's row in {hub}Instances.</param>
/// <param name="InstanceInputChars">Length of its Input property (the last generation's input).</param>
/// <param name="InstanceCustomStatusChars">Length of its CustomStatus property.</param>
/// <param name="EventTypes">Events of the last execution by type.</param>
internal sealed record HistorySize(
    string? LastExecutionId,
    int LastExecutionRows,
    long LastExecutionBytes,
    int LastExecutionEpisodes,
    int PartitionRows,
    long PartitionBytes,
    int LargestGenerationEvents,
    int BlobProperties,
    long InstanceRowBytes,
    int InstanceInputChars,
    int InstanceCustomStatusChars,
    IReadOnlyDictionary<string, int> EventTypes)
{
    private const string SentinelRowKey = "sentinel";

    /// <summary>Reads the partition of <paramref name="instanceId"/> in <c>{taskHub}History</c> and its row in <c>{taskHub}Instances</c>.</summary>
    public static async Task<HistorySize> MeasureAsync(TableServiceClient tables, string taskHub, string instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);

        // DTFx escapes some characters of instance ids in partition keys (KeySanitation); the benchmark's id has none of them.
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {instanceId}");
        var rows = new List<TableEntity>();
        await foreach (var row in tables.GetTableClient(taskHub + "History").QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(row);
        }

        string? lastExecution = rows.FirstOrDefault(r => r.RowKey == SentinelRowKey)?.GetString("ExecutionId");
        var events = rows.Where(r => r.RowKey != SentinelRowKey).ToList();
        var last = events.Where(r => r.GetString("ExecutionId") == lastExecution).ToList();
        var types = last.GroupBy(r => r.GetString("EventType") ?? "?").ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int largest = events.Count == 0 ? 0 : events.Max(r => (int)long.Parse(r.RowKey, NumberStyles.HexNumber, CultureInfo.InvariantCulture)) + 1;
        int blobProperties = rows.Sum(r => r.Keys.Count(k => k.EndsWith("BlobName", StringComparison.Ordinal)));

        TableEntity? instance = null;
        await foreach (var row in tables.GetTableClient(taskHub + "Instances").QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            instance = row;
        }

        return new HistorySize(lastExecution, last.Count, last.Sum(EntityBytes), types.GetValueOrDefault("OrchestratorStarted"),
            rows.Count, rows.Sum(EntityBytes), largest, blobProperties,
            instance is null ? 0 : EntityBytes(instance), instance?.GetString("Input")?.Length ?? 0, instance?.GetString("CustomStatus")?.Length ?? 0, types);
    }

    /// <summary>
    /// An entity's size as Azure Table storage counts it against its 1 MiB limit: 4 bytes + 2 bytes per character of
    /// PartitionKey and RowKey + for each property 8 bytes + 2 bytes per character of its name + its value (strings 4 +
    /// 2 per character, binary 4 + length, Int32 4, Int64/Double/DateTime 8, Guid 16, Boolean 1). The system Timestamp
    /// and the ETag are not counted.
    /// </summary>
    public static long EntityBytes(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        long size = 4 + (entity.PartitionKey.Length + entity.RowKey.Length) * 2L;
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")
            {
                continue;
            }

            size += 8 + name.Length * 2L + value switch
            {
                null => 0,
                string text => 4 + text.Length * 2L,
                byte[] bytes => 4 + bytes.Length,
                BinaryData data => 4 + data.ToMemory().Length,
                int => 4,
                long or double or DateTime or DateTimeOffset => 8,
                Guid => 16,
                bool => 1,
                _ => 8,
            };
        }

        return size;
    }
}
