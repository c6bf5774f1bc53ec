using System.Globalization;

namespace PlantFunctions.Pipeline.Batches;

/// <summary>Where a batch's blobs and rows live. Shard numbers are zero-padded so names sort in shard order.</summary>
public static class BatchPaths
{
    /// <summary>The results folder of a batch, inside the results container.</summary>
    public static string ResultsPrefix(string batchId) => $"{batchId}/";

    /// <summary>A shard's coded records (one JSON Lines record per input note).</summary>
    public static string ShardResult(string batchId, int shard) => $"{batchId}/shard-{Number(shard)}.jsonl";

    /// <summary>A shard's planned input (canonical notes and error placeholders), deleted when the batch finishes.</summary>
    public static string ShardInput(string batchId, int shard) => $"{batchId}/_work/shard-{Number(shard)}.jsonl";

    /// <summary>The folder of planned inputs.</summary>
    public static string WorkPrefix(string batchId) => $"{batchId}/_work/";

    /// <summary>The batch summary.</summary>
    public static string Summary(string batchId) => $"{batchId}/summary.json";

    /// <summary>A shard's row key.</summary>
    public static string ShardKey(int shard) => $"shard-{Number(shard)}";

    private static string Number(int shard) => shard.ToString("D6", CultureInfo.InvariantCulture);
}
